package dev.serval.train;

import static dev.serval.train.Digits.SPLIT;
import static dev.serval.train.Digits.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class CnnTrainerTest {
  @Test
  void digitsCnnReachesNinetyFivePercentTestAccuracy() {
    TrainedModel model = CnnTrainer.builder().filters(16).options(options(15).build()).build()
        .fit(SPLIT.train(), SPLIT.validation(), progress -> {});

    assertThat(model.accuracy(SPLIT.test())).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void rejectsRowsThatAreNotImagesOfTheConfiguredShape() {
    CnnTrainer trainer = CnnTrainer.builder().image(3, 4, 4).build();

    assertThatThrownBy(() -> trainer.fit(SPLIT.train(), SPLIT.validation(), progress -> {}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("images of shape [3, 4, 4] need 48 features per row")
        .hasMessageContaining("has 64");
    assertThatThrownBy(() -> CnnTrainer.builder().image(1, 1, 8))
        .hasMessageContaining("must be >= 2 for 2x2 pooling");
  }
}
