package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.serval.compress.FineTuningReport;
import dev.serval.core.InvalidInputException;
import dev.serval.train.Distillation;
import dev.serval.train.EpochProgress;
import dev.serval.train.FineTuning;
import dev.serval.train.Optimizer;
import dev.serval.train.Teacher;
import dev.serval.train.TrainingOptions;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Split;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Trains a compressed MLP further, as pruning and factorizing tools do: the graph's layers are
 * mapped to serval-train ({@link GraphNetwork}), trained with Adam on the labelled rows and,
 * by distillation, on the original model's outputs (the best teacher the compressed model can
 * have), and the weights of the best epoch on held-out rows are written back under the same
 * initializer names.
 */
public final class FineTuner {
  /** Share of the rows held out to pick the epoch and to score before and after. */
  static final double HELD_OUT = 0.15;

  static final int MIN_ROWS = 10;
  static final double LEARNING_RATE = 5e-4;
  static final int BATCH = 32;
  /** Distillation: temperature and weight of the hard labels in the loss. */
  static final double TEMPERATURE = 2;

  static final double LABEL_WEIGHT = 0.5;

  private final int epochs;
  private final long seed;
  private final boolean keepZeros;
  private final Consumer<String> progress;

  /**
   * @param keepZeros whether zero weights stay zero (after magnitude pruning)
   * @param progress receives one line per epoch
   */
  public FineTuner(int epochs, long seed, boolean keepZeros, Consumer<String> progress) {
    this.epochs = epochs;
    this.seed = seed;
    this.keepZeros = keepZeros;
    this.progress = progress;
  }

  /** A trained model and what training did. */
  public record Tuned(ModelProto model, FineTuningReport report) {}

  /**
   * Fine-tunes {@code compressed} on {@code rows} (read from {@code source}), with
   * {@code original}, the uncompressed model, as the teacher.
   *
   * @throws InvalidInputException when the graph cannot be mapped (naming the node) or the rows
   *     do not fit it
   */
  public Tuned tune(ModelProto compressed, ModelProbe original, Dataset rows, String source) {
    GraphEditor graph = new GraphEditor(compressed);
    GraphNetwork network = GraphNetwork.of(graph, keepZeros);
    Dataset data = fitting(rows, network, source);
    Split split = data.split(HELD_OUT, 0, seed);
    Teacher teacher = (features, count) -> logits(original.firstFloatOutput(features, count),
        network.firstOutputIsProbabilities());
    TrainingOptions options = TrainingOptions.builder()
        .epochs(epochs)
        .batchSize(BATCH)
        .optimizer(Optimizer.adam(LEARNING_RATE))
        .patience(0)
        .seed(seed)
        .distillation(new Distillation(teacher, TEMPERATURE, LABEL_WEIGHT))
        .build();
    FineTuning.Result result = FineTuning.fit(network.layers(), options, split.train(),
        split.validation(), this::report);
    network.write(result.layers());
    return new Tuned(graph.build(), new FineTuningReport(source, data.rows(),
        split.train().rows(), split.validation().rows(), epochs, result.keptEpoch(),
        100 * result.before().metric(), 100 * result.after().metric()));
  }

  private void report(EpochProgress epoch) {
    progress.accept(String.format(Locale.ROOT, "fine-tuning epoch %d/%d: training loss %.4f,"
        + " held-out top-1 %.2f%% (best epoch so far %d)", epoch.epoch(), epoch.epochs(),
        epoch.trainLoss(), 100 * epoch.validationMetric(), epoch.bestEpoch()));
  }

  /** The rows as a classification set with one class per output of the network. */
  private static Dataset fitting(Dataset rows, GraphNetwork network, String source) {
    int features = network.layers().get(0).inputWidth();
    int classes = network.layers().get(network.layers().size() - 1).outputWidth();
    if (rows.featureCount() != features) {
      throw new InvalidInputException("the fine-tuning rows in " + source + " have "
          + rows.featureCount() + " features but the model takes " + features);
    }
    if (rows.rows() < MIN_ROWS) {
      throw new InvalidInputException("fine-tuning needs at least " + MIN_ROWS + " labelled"
          + " rows, but " + source + " has " + rows.rows());
    }
    int[] labels = new int[rows.rows()];
    for (int r = 0; r < labels.length; r++) {
      labels[r] = rows.label(r);
    }
    return Dataset.classification(rows.features(), features, labels, classes);
  }

  /** The teacher's outputs as logits: log-probabilities soften like logits do. */
  private static float[] logits(float[] outputs, boolean probabilities) {
    if (!probabilities) {
      return outputs;
    }
    float[] logs = new float[outputs.length];
    for (int i = 0; i < outputs.length; i++) {
      logs[i] = (float) Math.log(Math.max(outputs[i], 1e-30f));
    }
    return logs;
  }
}
