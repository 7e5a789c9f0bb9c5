package dev.serval.train;

import static dev.serval.train.internal.Checks.require;

import dev.serval.train.data.Dataset;
import dev.serval.train.data.Task;
import dev.serval.train.internal.Affine;
import dev.serval.train.internal.Layer;
import dev.serval.train.internal.Losses;
import dev.serval.train.internal.Network;
import dev.serval.train.internal.Sampling;
import dev.serval.train.internal.Updater;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** The training loop shared by all trainers: mini-batches, epochs, early stopping. */
final class Fitter {
  private final Network network;
  private final TrainingOptions options;
  private final Dataset train;
  private final int width;
  private final float[] targets;
  private final float[] softTargets;
  private final SplittableRandom random;
  private final Updater updater;

  private Fitter(Network network, TrainingOptions options, Dataset train, SplittableRandom random) {
    this.network = network;
    this.options = options;
    this.train = train;
    this.width = network.outputWidth();
    this.targets = targetRows(train, width);
    this.softTargets = options.distillation()
        .map(d -> teacherTargets(d, train, width)).orElse(null);
    this.random = random;
    this.updater = updater(options.optimizer(), network);
  }

  /** Appends a trainer's layers after the input standardization. */
  @FunctionalInterface
  interface Body {
    void appendTo(List<Layer> layers, int inputs, int outputs, SplittableRandom random);
  }

  /**
   * Builds the network (standardization when the options ask for it, then {@code body}, both
   * from the training rows) with weights drawn from the options' seed, and trains it.
   */
  static TrainedModel fit(TrainingOptions options, Dataset train, Dataset validation,
      Consumer<EpochProgress> progress, Body body) {
    require(train.rows() > 0, "training data must have rows");
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Layer> layers = new ArrayList<>();
    if (options.standardize()) {
      layers.add(Affine.standardizing("standardize", train.features(), train.rows()));
    }
    body.appendTo(layers, train.featureCount(), train.outputWidth(), random);
    return fit(new Network(layers), options, train, validation, progress, random);
  }

  /**
   * Trains {@code network} (whose weights came from {@code random}'s earlier draws, or from a
   * model being fine-tuned) and returns it with the weights of its best validation epoch.
   */
  static TrainedModel fit(Network network, TrainingOptions options, Dataset train,
      Dataset validation, Consumer<EpochProgress> progress, SplittableRandom random) {
    require(progress != null, "progress must not be null; pass p -> {} to ignore it");
    checkData(network, options, train, validation);
    return new Fitter(network, options, train, random).run(validation, progress);
  }

  private TrainedModel run(Dataset validation, Consumer<EpochProgress> progress) {
    List<EpochProgress> history = new ArrayList<>();
    List<float[]> best = network.snapshot();
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      double trainLoss = epoch();
      Evaluation evaluation = TrainedModel.evaluate(network, train.task(), validation);
      if (evaluation.loss() < bestLoss) {
        bestLoss = evaluation.loss();
        bestEpoch = epoch;
        best = network.snapshot();
      }
      EpochProgress done = new EpochProgress(epoch, options.epochs(), trainLoss,
          evaluation.loss(), evaluation.metric(), bestEpoch);
      history.add(done);
      progress.accept(done);
      if (options.patience() > 0 && epoch - bestEpoch >= options.patience()) {
        break;
      }
    }
    network.restore(best);
    return new TrainedModel(network, train.task(), history);
  }

  /** One pass over the shuffled training rows; returns the mean batch loss. */
  private double epoch() {
    int rows = train.rows();
    int[] order = Sampling.permutation(rows, random);
    double lossSum = 0;
    int pending = 0;
    for (int from = 0; from < rows; from += options.batchSize()) {
      int count = Math.min(options.batchSize(), rows - from);
      lossSum += batch(order, from, count) * count;
      if (++pending == options.gradientAccumulation()) {
        updater.step(1.0 / pending, options.l2(), options.l1());
        pending = 0;
      }
    }
    if (pending > 0) {
      updater.step(1.0 / pending, options.l2(), options.l1());
    }
    return lossSum / rows;
  }

  /** Forward and backward on one mini-batch, gradients added to the parameters. */
  private double batch(int[] order, int from, int count) {
    float[] x = new float[count * train.featureCount()];
    train.copyFeatures(order, from, count, x);
    float[] hard = gather(targets, order, from, count);
    float[] soft = softTargets == null ? null : gather(softTargets, order, from, count);
    if (options.mixupAlpha() > 0) {
      mixup(count, x, hard, soft);
    }
    float[] output = network.forward(x, count, true);
    float[] grad = new float[output.length];
    double loss = loss(output, hard, soft, count, grad);
    network.backward(grad, count);
    return loss;
  }

  private double loss(float[] output, float[] hard, float[] soft, int count, float[] grad) {
    if (train.task() == Task.REGRESSION) {
      return options.huberDelta() > 0
          ? Losses.huber(output, hard, count, width, options.huberDelta(), grad)
          : Losses.squaredError(output, hard, count, width, 1, grad);
    }
    if (soft == null) {
      return Losses.softCrossEntropy(output, hard, count, width, 1, 1, grad);
    }
    Distillation d = options.distillation().orElseThrow();
    return Losses.softCrossEntropy(output, hard, count, width, 1, d.alpha(), grad)
        + Losses.softCrossEntropy(output, soft, count, width, d.temperature(), 1 - d.alpha(),
            grad);
  }

  /** Replaces each row by lambda * row + (1 - lambda) * another row of the batch. */
  private void mixup(int count, float[]... rowArrays) {
    float lambda = (float) Sampling.symmetricBeta(options.mixupAlpha(), random);
    int[] partner = Sampling.permutation(count, random);
    for (float[] rows : rowArrays) {
      if (rows == null) {
        continue;
      }
      float[] original = rows.clone();
      int rowWidth = rows.length / count;
      for (int n = 0; n < count; n++) {
        for (int j = 0; j < rowWidth; j++) {
          rows[n * rowWidth + j] = lambda * original[n * rowWidth + j]
              + (1 - lambda) * original[partner[n] * rowWidth + j];
        }
      }
    }
  }

  private float[] gather(float[] source, int[] order, int from, int count) {
    float[] rows = new float[count * width];
    for (int i = 0; i < count; i++) {
      System.arraycopy(source, order[from + i] * width, rows, i * width, width);
    }
    return rows;
  }

  /** One-hot rows for class labels, the target values for regression. */
  static float[] targetRows(Dataset data, int width) {
    float[] rows = new float[data.rows() * width];
    for (int n = 0; n < data.rows(); n++) {
      if (data.task() == Task.CLASSIFICATION) {
        rows[n * width + data.label(n)] = 1;
      } else {
        for (int j = 0; j < width; j++) {
          rows[n * width + j] = data.target(n, j);
        }
      }
    }
    return rows;
  }

  private static float[] teacherTargets(Distillation distillation, Dataset train, int width) {
    float[] logits = distillation.teacher().logits(train.features(), train.rows());
    require(logits.length == train.rows() * width, "teacher gave " + logits.length
        + " logits for " + train.rows() + " rows but the student has " + width + " classes");
    return Losses.softmax(logits, train.rows(), width, distillation.temperature());
  }

  private static Updater updater(Optimizer optimizer, Network network) {
    if (optimizer instanceof Optimizer.Adam adam) {
      return Updater.adam(network.params(), adam.learningRate(), adam.beta1(), adam.beta2(),
          adam.epsilon());
    }
    Optimizer.Sgd sgd = (Optimizer.Sgd) optimizer;
    return Updater.sgd(network.params(), sgd.learningRate(), sgd.momentum());
  }

  private static void checkData(Network network, TrainingOptions options, Dataset train,
      Dataset validation) {
    require(validation != null, "validation data must not be null; split some off with"
        + " Dataset.split");
    require(train.rows() > 0, "training data must have rows");
    require(validation.rows() > 0, "validation data must have rows, for early stopping and"
        + " progress; split some off with Dataset.split");
    require(validation.featureCount() == train.featureCount(), "validation rows have "
        + validation.featureCount() + " features but training rows " + train.featureCount());
    require(validation.task() == train.task() && validation.outputWidth() <= train.outputWidth(),
        "validation data (" + validation + ") does not fit the training data (" + train + ")");
    require(options.distillation().isEmpty() || train.task() == Task.CLASSIFICATION,
        "distillation needs a classification data set but got " + train);
    require(network.outputWidth() == train.outputWidth(), "the network has "
        + network.outputWidth() + " outputs but the data " + train.outputWidth());
  }
}
