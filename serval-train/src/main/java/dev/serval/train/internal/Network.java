package dev.serval.train.internal;

import java.util.ArrayList;
import java.util.List;

/** Layers applied in order; the last one's output is the logits or regression values. */
public final class Network {
  private static final int CHUNK = 256;

  private final List<Layer> layers;
  /** The lowest layer with parameters: back-propagation ends there. */
  private final int firstTrained;

  public Network(List<Layer> layers) {
    for (int i = 1; i < layers.size(); i++) {
      if (layers.get(i - 1).outputWidth() != layers.get(i).inputWidth()) {
        throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inputWidth()
            + " values but layer " + (i - 1) + " gives " + layers.get(i - 1).outputWidth());
      }
    }
    this.layers = List.copyOf(layers);
    int first = 0;
    while (first < layers.size() - 1 && layers.get(first).params().isEmpty()) {
      first++;
    }
    this.firstTrained = first;
  }

  public int inputWidth() {
    return layers.get(0).inputWidth();
  }

  public int outputWidth() {
    return layers.get(layers.size() - 1).outputWidth();
  }

  public float[] forward(float[] x, int rows, boolean training) {
    float[] values = x;
    for (Layer layer : layers) {
      values = layer.forward(values, rows, training);
    }
    return values;
  }

  /**
   * Back-propagates the gradient of the loss with respect to the last forward's output into the
   * parameters; below the first layer with parameters there is nothing left to learn.
   */
  public void backward(float[] outputGrad, int rows) {
    float[] grad = outputGrad;
    for (int i = layers.size() - 1; i > firstTrained; i--) {
      grad = layers.get(i).backward(grad, rows);
    }
    layers.get(firstTrained).backwardToParams(grad, rows);
  }

  /** Evaluation-mode outputs for any number of rows, computed in chunks to bound memory. */
  public float[] predict(float[] x, int rows) {
    int in = inputWidth();
    int out = outputWidth();
    float[] result = new float[rows * out];
    for (int from = 0; from < rows; from += CHUNK) {
      int count = Math.min(CHUNK, rows - from);
      float[] chunk = new float[count * in];
      System.arraycopy(x, from * in, chunk, 0, count * in);
      System.arraycopy(forward(chunk, count, false), 0, result, from * out, count * out);
    }
    return result;
  }

  public List<Param> params() {
    return layers.stream().flatMap(layer -> layer.params().stream()).toList();
  }

  /** A copy of everything that defines the trained network, for {@link #restore}. */
  public List<float[]> snapshot() {
    return state().stream().map(float[]::clone).toList();
  }

  public void restore(List<float[]> snapshot) {
    List<float[]> live = state();
    for (int i = 0; i < live.size(); i++) {
      System.arraycopy(snapshot.get(i), 0, live.get(i), 0, live.get(i).length);
    }
  }

  private List<float[]> state() {
    return layers.stream().flatMap(layer -> layer.state().stream()).toList();
  }

  /**
   * Adds the evaluation-mode network to {@code graph} and returns the name of its result, which
   * is {@code output}. A batch normalization right after a dense layer is folded into its Gemm.
   */
  public String export(OnnxGraph graph, String input, String output) {
    List<Layer> exported = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof Dense dense && i + 1 < layers.size()
          && layers.get(i + 1) instanceof BatchNorm norm) {
        exported.add(dense.foldedWith(norm));
        i++;
      } else {
        exported.add(layers.get(i));
      }
    }
    String x = input;
    for (int i = 0; i < exported.size(); i++) {
      x = exported.get(i).export(graph, x, i == exported.size() - 1 ? output : "layer" + i);
    }
    return x;
  }
}
