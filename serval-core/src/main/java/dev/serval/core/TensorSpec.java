package dev.serval.core;

import java.util.Objects;

/** A named input or output of a model: its datatype and (possibly dynamic) shape. */
public record TensorSpec(String name, DataType datatype, Shape shape) {
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    Objects.requireNonNull(shape, "shape");
  }
}
