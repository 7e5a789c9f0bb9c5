package dev.serval.core;

import java.util.List;
import java.util.Optional;

/** The inputs and outputs of a model, in the order the model declares them. */
public record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
  public Signature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public Optional<TensorSpec> output(String name) {
    return outputs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * Whether every input and output has a dynamic first dimension, so that requests can be
   * concatenated along it into one batch.
   */
  public boolean isBatchable() {
    return !inputs.isEmpty()
        && inputs.stream().allMatch(Signature::hasDynamicBatchDim)
        && outputs.stream().allMatch(Signature::hasDynamicBatchDim);
  }

  private static boolean hasDynamicBatchDim(TensorSpec spec) {
    return spec.shape().rank() > 0 && spec.shape().isDynamic(0);
  }
}
