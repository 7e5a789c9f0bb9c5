package dev.serval.train;

import static dev.serval.train.internal.Checks.positive;
import static dev.serval.train.internal.Checks.require;

/**
 * One layer of a network given by its weights, for {@link FineTuning} a model made elsewhere
 * (e.g. read from an ONNX graph). Arrays are copied in and out.
 */
public sealed interface LayerWeights {
  int inputWidth();

  int outputWidth();

  /**
   * A trained fully connected layer, {@code y = x Wᵀ + b}.
   *
   * @param weight {@code [outputs, inputs]} row-major
   * @param bias length {@code outputs}, or null for a layer without bias (which stays without)
   * @param keepZeros whether weights that are zero stay zero in training, as the weights that
   *     magnitude pruning removed must
   */
  record Linear(String name, int inputs, int outputs, float[] weight, float[] bias,
      boolean keepZeros) implements LayerWeights {
    public Linear {
      require(name != null && !name.isBlank(), "a linear layer needs a name");
      positive("inputs of " + name, inputs);
      positive("outputs of " + name, outputs);
      require(weight != null && weight.length == (long) inputs * outputs, "weight of " + name
          + " must hold " + outputs + " x " + inputs + " values but has "
          + (weight == null ? 0 : weight.length));
      require(bias == null || bias.length == outputs, "bias of " + name + " must hold "
          + outputs + " values but has " + (bias == null ? 0 : bias.length));
      weight = weight.clone();
      bias = bias == null ? null : bias.clone();
    }

    /** A layer whose weights all train. */
    public Linear(String name, int inputs, int outputs, float[] weight, float[] bias) {
      this(name, inputs, outputs, weight, bias, false);
    }

    /** The same layer with other weights. */
    public Linear withWeights(float[] newWeight, float[] newBias) {
      return new Linear(name, inputs, outputs, newWeight, newBias, keepZeros);
    }

    @Override
    public float[] weight() {
      return weight.clone();
    }

    @Override
    public float[] bias() {
      return bias == null ? null : bias.clone();
    }

    @Override
    public int inputWidth() {
      return inputs;
    }

    @Override
    public int outputWidth() {
      return outputs;
    }
  }

  /** A fixed (not trained) per-feature {@code y = x * scale + shift}, e.g. standardization. */
  record Scaling(String name, float[] scale, float[] shift) implements LayerWeights {
    public Scaling {
      require(scale != null && shift != null && scale.length == shift.length
          && scale.length > 0, "scaling " + name + " needs as many shifts as scales, at least"
          + " one");
      scale = scale.clone();
      shift = shift.clone();
    }

    @Override
    public float[] scale() {
      return scale.clone();
    }

    @Override
    public float[] shift() {
      return shift.clone();
    }

    @Override
    public int inputWidth() {
      return scale.length;
    }

    @Override
    public int outputWidth() {
      return scale.length;
    }
  }

  /** An element-wise activation over {@code width} values. */
  record Nonlinear(Activation activation, int width) implements LayerWeights {
    public Nonlinear {
      require(activation != null, "activation must not be null");
      positive("width", width);
    }

    @Override
    public int inputWidth() {
      return width;
    }

    @Override
    public int outputWidth() {
      return width;
    }
  }
}
