package dev.serval.train.internal;

import java.util.List;

/**
 * One step of a feed-forward network over batches of rows, each row a flat float vector (images
 * in channel, height, width order). In training mode a layer keeps what its backward pass needs;
 * in evaluation mode it keeps nothing, so a trained network may predict from several threads.
 */
public interface Layer {
  int inputWidth();

  int outputWidth();

  /** Maps {@code rows} rows of {@link #inputWidth()} values to rows of {@link #outputWidth()}. */
  float[] forward(float[] input, int rows, boolean training);

  /**
   * Adds this batch's parameter gradients to {@link Param#grad()} and returns the gradient with
   * respect to the input of the last training-mode {@link #forward}.
   */
  float[] backward(float[] outputGrad, int rows);

  /**
   * Adds this batch's parameter gradients like {@link #backward}, for the network's first
   * trained layer, whose input gradient nobody reads: a layer whose input gradient costs as much
   * as its parameter gradients skips it.
   */
  default void backwardToParams(float[] outputGrad, int rows) {
    backward(outputGrad, rows);
  }

  /** The trainable parameters. */
  default List<Param> params() {
    return List.of();
  }

  /** Every array that defines the trained layer (parameters and running statistics). */
  default List<float[]> state() {
    return params().stream().map(Param::value).toList();
  }

  /**
   * Adds this layer's nodes to {@code graph}, reading {@code [N, inputWidth]} tensor
   * {@code input}, and returns the name of its {@code [N, outputWidth]} result; that is
   * {@code output} unless the layer adds no node.
   */
  String export(OnnxGraph graph, String input, String output);
}
