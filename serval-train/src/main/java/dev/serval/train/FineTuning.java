package dev.serval.train;

import static dev.serval.train.internal.Checks.require;

import dev.serval.train.data.Dataset;
import dev.serval.train.internal.ActivationLayer;
import dev.serval.train.internal.Affine;
import dev.serval.train.internal.Dense;
import dev.serval.train.internal.Layer;
import dev.serval.train.internal.Network;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Further training of a network whose weights come from elsewhere, e.g. a pruned or factorized
 * model: the {@link LayerWeights.Linear} layers are trained with the usual loop (mini-batches,
 * the options' optimizer, distillation from a teacher when the options have one, the weights of
 * the best validation epoch kept); scalings stay fixed. The last layer's output is the logits.
 */
public final class FineTuning {
  private FineTuning() {}

  /**
   * What fine-tuning did.
   *
   * @param layers the same layers in the same order, linear ones with their new weights
   * @param before the network's loss and accuracy on the validation rows before training
   * @param after the same with the kept (best-epoch) weights
   * @param history one entry per trained epoch
   * @param keptEpoch the epoch whose weights were kept; 0 when none had a lower validation loss
   *     than the starting weights, which were then kept
   */
  public record Result(List<LayerWeights> layers, Evaluation before, Evaluation after,
      List<EpochProgress> history, int keptEpoch) {
    public Result {
      layers = List.copyOf(layers);
      history = List.copyOf(history);
    }
  }

  /**
   * Trains the linear layers of {@code layers} on {@code train}, keeping the weights of the
   * epoch with the lowest loss on {@code validation} (the starting weights when none is lower),
   * and reports each epoch to {@code progress}. The options' seed draws the batch order.
   */
  public static Result fit(List<LayerWeights> layers, TrainingOptions options, Dataset train,
      Dataset validation, Consumer<EpochProgress> progress) {
    require(layers != null && !layers.isEmpty(), "fine-tuning needs at least one layer");
    require(options != null, "options must not be null");
    Map<Dense, Integer> trained = new IdentityHashMap<>();
    List<Layer> network = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      network.add(layer(layers.get(i), i, trained));
    }
    Network net = new Network(network);
    require(validation != null && validation.rows() > 0, "fine-tuning needs validation rows");
    Evaluation before = TrainedModel.evaluate(net, validation.task(), validation);
    List<float[]> start = net.snapshot();
    TrainedModel model = Fitter.fit(net, options, train, validation, progress,
        new SplittableRandom(options.seed()));
    Evaluation after = model.evaluate(validation);
    List<EpochProgress> history = model.history();
    int kept = history.get(history.size() - 1).bestEpoch();
    if (after.loss() > before.loss()) {
      net.restore(start); // fine-tuning must never hand back a worse model than it was given
      after = before;
      kept = 0;
    }
    List<LayerWeights> result = new ArrayList<>(layers);
    trained.forEach((dense, index) -> {
      LayerWeights.Linear old = (LayerWeights.Linear) layers.get(index);
      result.set(index, old.withWeights(dense.weights(), dense.biases()));
    });
    return new Result(result, before, after, history, kept);
  }

  private static Layer layer(LayerWeights weights, int index, Map<Dense, Integer> trained) {
    if (weights instanceof LayerWeights.Linear linear) {
      Dense dense = Dense.of(linear.name(), linear.inputs(), linear.outputs(), linear.weight(),
          linear.bias(), linear.keepZeros());
      trained.put(dense, index);
      return dense;
    }
    if (weights instanceof LayerWeights.Scaling scaling) {
      return new Affine(scaling.name(), scaling.scale(), scaling.shift());
    }
    LayerWeights.Nonlinear nonlinear = (LayerWeights.Nonlinear) weights;
    return nonlinear.activation() == Activation.RELU ? ActivationLayer.relu(nonlinear.width())
        : ActivationLayer.tanh(nonlinear.width());
  }
}
