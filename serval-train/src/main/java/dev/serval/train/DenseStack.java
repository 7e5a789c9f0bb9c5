package dev.serval.train;

import static dev.serval.train.internal.Checks.fraction;
import static dev.serval.train.internal.Checks.positive;
import static dev.serval.train.internal.Checks.require;

import dev.serval.train.internal.ActivationLayer;
import dev.serval.train.internal.BatchNorm;
import dev.serval.train.internal.Dense;
import dev.serval.train.internal.Dropout;
import dev.serval.train.internal.Layer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hidden dense layers (each Dense, optional BatchNorm, activation, optional Dropout) and the
 * output layer: the body of an MLP and the head of a CNN.
 */
record DenseStack(int[] hidden, Activation activation, boolean batchNorm, double dropout) {
  DenseStack {
    require(hidden != null, "hidden layer sizes must not be null");
    for (int i = 0; i < hidden.length; i++) {
      positive("hidden[" + i + "]", hidden[i]);
    }
    hidden = hidden.clone();
    require(activation != null, "activation must not be null");
    fraction("dropout", dropout);
  }

  /** Appends the stack, reading {@code inputs} values and giving {@code outputs}, to layers. */
  void appendTo(List<Layer> layers, int inputs, int outputs, SplittableRandom random) {
    int width = inputs;
    for (int i = 0; i < hidden.length; i++) {
      // He initialization keeps ReLU activations' variance; Xavier suits tanh and the logits
      double limit = activation == Activation.RELU
          ? Math.sqrt(6.0 / width) : Math.sqrt(6.0 / (width + hidden[i]));
      layers.add(Dense.create("dense" + i, width, hidden[i], limit, random.split()));
      if (batchNorm) {
        layers.add(new BatchNorm("norm" + i, hidden[i]));
      }
      layers.add(activation == Activation.RELU
          ? ActivationLayer.relu(hidden[i]) : ActivationLayer.tanh(hidden[i]));
      if (dropout > 0) {
        layers.add(new Dropout(hidden[i], dropout, random.split()));
      }
      width = hidden[i];
    }
    layers.add(Dense.create("dense" + hidden.length, width, outputs,
        Math.sqrt(6.0 / (width + outputs)), random.split()));
  }
}
