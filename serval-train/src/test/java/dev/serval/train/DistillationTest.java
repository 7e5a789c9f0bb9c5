package dev.serval.train;

import static dev.serval.train.Digits.SPLIT;
import static dev.serval.train.Digits.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.train.data.Dataset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DistillationTest {
  @Test
  void studentLearnsFromTheTeachersSoftOutputsAlone() {
    TrainedModel teacher = MlpTrainer.builder().hidden(128).options(options(20).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});
    // Labels scrambled: with alpha 0 the student sees only the teacher, so only the teacher's
    // knowledge can make it accurate on the real test labels.
    Dataset scrambled = scrambledLabels(SPLIT.train());

    TrainedModel student = MlpTrainer.builder().hidden(24)
        .options(options(20).patience(0)
            .distillation(new Distillation(teacher, 4, 0)).build()).build()
        .fit(scrambled, SPLIT.validation(), progress -> {});

    assertThat(student.accuracy(SPLIT.test())).isGreaterThanOrEqualTo(0.93);
  }

  @Test
  void blendedLossTrainsAStudentOnLabelsAndTeacher() {
    TrainedModel teacher = CnnTrainer.builder().options(options(10).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    TrainedModel student = MlpTrainer.builder().hidden(32)
        .options(options(20).distillation(new Distillation(teacher, 2, 0.5)).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertThat(student.accuracy(SPLIT.test())).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void rejectsTeachersWithAnotherClassCountAndBadSettings() {
    Teacher threeClasses = (features, rows) -> new float[rows * 3];
    MlpTrainer trainer = MlpTrainer.builder()
        .options(options(1).distillation(new Distillation(threeClasses, 2, 0.5)).build()).build();

    assertThatThrownBy(() -> trainer.fit(SPLIT.train(), SPLIT.validation(), progress -> {}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the student has 10 classes");
    assertThatThrownBy(() -> new Distillation(threeClasses, 0, 0.5))
        .hasMessageContaining("temperature must be a finite number > 0 but was 0.0");
    assertThatThrownBy(() -> new Distillation(threeClasses, 2, 1.5))
        .hasMessageContaining("alpha must be in [0, 1] but was 1.5");
  }

  private static Dataset scrambledLabels(Dataset data) {
    int[] labels = new int[data.rows()];
    Arrays.setAll(labels, row -> (data.label(row) * 7 + 3) % data.classes());
    return Dataset.classification(data.features(), data.featureCount(), labels, data.classes());
  }
}
