package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.util.stream.LongStream;

/** Initializers the rewrites write, in the compact raw little-endian form. */
public final class Tensors {
  private Tensors() {}

  /** 8-bit integers, signed ({@code INT8}) or unsigned ({@code UINT8}) by {@code type}. */
  public static TensorProto bytes(
      String name, TensorProto.DataType type, byte[] values, long... dims) {
    return raw(name, type, ByteString.copyFrom(values), dims);
  }

  /** The number of elements of an initializer of any type. */
  public static long elementCount(TensorProto tensor) {
    return tensor.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
  }

  private static TensorProto raw(
      String name, TensorProto.DataType type, ByteString data, long... dims) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(type.getNumber())
        .addAllDims(LongStream.of(dims).boxed().toList())
        .setRawData(data)
        .build();
  }
}
