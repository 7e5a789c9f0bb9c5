package dev.serval.compress.internal;

import dev.serval.runtime.onnx.GraphProtos;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Optional;

/**
 * A float matrix {@code [rows, cols]} quantized to 8 bits: {@code w ≈ (q - zeroPoint) * scale},
 * with one scale and zero point per channel (a row or a column) or one for the whole matrix.
 *
 * @param values the quantized matrix, row-major, as signed or unsigned bytes
 * @param scales one per channel, or one
 * @param zeroPoints one per channel, or one
 * @param signed int8 ({@code true}) or uint8
 */
public record QuantizedWeights(byte[] values, float[] scales, byte[] zeroPoints, boolean signed) {
  /** Which axis of the matrix holds the channels that get their own scale. */
  public enum Channels { ROWS, COLUMNS, NONE }

  /**
   * Quantizes a matrix.
   *
   * @param symmetric zero point 0 (int8) or 128 (uint8) and a range of ±127 steps, rather than
   *     the [min, max] range mapped onto all 256 steps
   */
  public static QuantizedWeights of(float[] matrix, int rows, int cols, Channels channels,
      boolean symmetric, boolean signed) {
    int count = channels == Channels.ROWS ? rows : channels == Channels.COLUMNS ? cols : 1;
    float[] min = new float[count];
    float[] max = new float[count];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int channel = channel(channels, r, c);
        float value = matrix[r * cols + c];
        min[channel] = Math.min(min[channel], value);
        max[channel] = Math.max(max[channel], value);
      }
    }
    int low = signed ? -128 : 0;
    float[] scales = new float[count];
    int[] zeros = new int[count];
    for (int i = 0; i < count; i++) {
      if (symmetric) {
        scales[i] = Math.max(Math.abs(min[i]), max[i]) / 127f;
        zeros[i] = signed ? 0 : 128;
      } else {
        scales[i] = (max[i] - min[i]) / 255f;
        zeros[i] = scales[i] == 0 ? low : clamp(Math.round(low - min[i] / scales[i]), low);
      }
      if (scales[i] == 0) {
        scales[i] = 1; // an all-zero channel: any scale represents it exactly
      }
    }
    byte[] values = new byte[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int channel = channel(channels, r, c);
        int q = Math.round(matrix[r * cols + c] / scales[channel]) + zeros[channel];
        values[r * cols + c] = (byte) clamp(q, low);
      }
    }
    byte[] zeroPoints = new byte[count];
    for (int i = 0; i < count; i++) {
      zeroPoints[i] = (byte) zeros[i];
    }
    return new QuantizedWeights(values, scales, zeroPoints, signed);
  }

  private static int channel(Channels channels, int row, int col) {
    return channels == Channels.ROWS ? row : channels == Channels.COLUMNS ? col : 0;
  }

  private static int clamp(int q, int low) {
    return Math.max(low, Math.min(low + 255, q));
  }

  public TensorProto.DataType type() {
    return signed ? TensorProto.DataType.INT8 : TensorProto.DataType.UINT8;
  }

  public TensorProto valuesTensor(String name, long... dims) {
    return Tensors.bytes(name, type(), values, dims);
  }

  /** The scales as a vector, or as a scalar when there is one for the whole matrix. */
  public TensorProto scalesTensor(String name, long... channelDims) {
    return GraphProtos.floatTensor(name, scales, scales.length == 1 ? new long[0] : channelDims);
  }

  /**
   * Puts the zero points into the graph as {@code name} unless they are all 0 in signed int8,
   * which is what the int8 operators assume when their optional zero point input is absent. Only
   * for operators that take the weight directly: a DequantizeLinear that ONNX Runtime should fuse
   * with its consumer needs the zero point.
   *
   * @return the name to give the operator, or empty to leave the input out
   */
  public Optional<String> zeroPointsInput(GraphEditor graph, String name) {
    boolean implicit = signed;
    for (byte zero : zeroPoints) {
      implicit &= zero == 0;
    }
    if (implicit) {
      return Optional.empty();
    }
    graph.put(zeroPointsTensor(name));
    return Optional.of(name);
  }

  /** The zero points as a vector, or as a scalar when there is one for the whole matrix. */
  public TensorProto zeroPointsTensor(String name) {
    return Tensors.bytes(name, type(), zeroPoints,
        zeroPoints.length == 1 ? new long[0] : new long[] {zeroPoints.length});
  }
}
