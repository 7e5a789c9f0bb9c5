package dev.serval.server.api.internal;

import dev.serval.core.Fp16;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.serval.core.DataType;
import dev.serval.core.Tensor;
import dev.serval.serving.InferenceResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Encodes an infer response straight from the output tensors' bytes: JSON numbers written one by
 * one without boxing, or, for outputs asked for as binary, a JSON header followed by the raw
 * tensor bytes (the binary tensor data extension). Thread-safe.
 */
final class InferResponseEncoder {
  private final JsonFactory json;

  InferResponseEncoder(JsonFactory json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * Appends the response to {@code out}.
   *
   * @return the length of the JSON header when some output is binary, else -1 (all JSON)
   */
  int encode(InferenceResult result, OutputEncoding encoding, ByteBuf out) {
    int start = out.writerIndex();
    boolean anyBinary = false;
    try (JsonGenerator g = json.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
      g.writeStartObject();
      g.writeStringField("model_name", result.model());
      if (result.version() != null) {
        g.writeStringField("model_version", result.version());
      }
      if (result.id() != null) {
        g.writeStringField("id", result.id());
      }
      g.writeArrayFieldStart("outputs");
      for (Tensor output : result.outputs()) {
        boolean binary = encoding.isBinary(output.name());
        anyBinary |= binary;
        writeOutput(g, output, binary);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a memory buffer cannot fail", e);
    }
    if (!anyBinary) {
      return -1;
    }
    int headerLength = out.writerIndex() - start;
    writeBinaryData(result.outputs(), encoding, out);
    return headerLength;
  }

  private static void writeOutput(JsonGenerator g, Tensor output, boolean binary)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", output.name());
    g.writeStringField("datatype", output.datatype().name());
    g.writeFieldName("shape");
    ProtocolJson.writeShape(g, output.shape());
    if (binary) {
      g.writeObjectFieldStart("parameters");
      g.writeNumberField(InferRequestDecoder.BINARY_DATA_SIZE, binarySize(output));
      g.writeEndObject();
    } else {
      g.writeArrayFieldStart("data");
      writeData(g, output);
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static long binarySize(Tensor output) {
    return output.datatype().isFixedSize()
        ? output.byteCount()
        : BinaryTensorData.stringsSize(output.strings());
  }

  private static void writeData(JsonGenerator g, Tensor output) throws IOException {
    if (output.datatype() == DataType.BYTES) {
      for (byte[] element : output.strings()) {
        g.writeString(new String(element, StandardCharsets.UTF_8));
      }
      return;
    }
    ByteBuffer data = output.data();
    int size = output.datatype().byteSize();
    int end = data.limit();
    for (int i = data.position(); i < end; i += size) {
      writeElement(g, output.datatype(), data, i);
    }
  }

  private static void writeElement(JsonGenerator g, DataType type, ByteBuffer data, int index)
      throws IOException {
    switch (type) {
      case BOOL -> g.writeBoolean(data.get(index) != 0);
      case UINT8 -> g.writeNumber(data.get(index) & 0xff);
      case INT8 -> g.writeNumber(data.get(index));
      case UINT16 -> g.writeNumber(data.getShort(index) & 0xffff);
      case INT16 -> g.writeNumber(data.getShort(index));
      case UINT32 -> g.writeNumber(data.getInt(index) & 0xffff_ffffL);
      case INT32 -> g.writeNumber(data.getInt(index));
      case UINT64 -> writeUnsigned(g, data.getLong(index));
      case INT64 -> g.writeNumber(data.getLong(index));
      case FP16 -> g.writeNumber(Fp16.toFloat(data.getShort(index)));
      case FP32 -> g.writeNumber(data.getFloat(index));
      case FP64 -> g.writeNumber(data.getDouble(index));
      case BYTES -> throw new IllegalArgumentException("BYTES elements have no fixed size");
    }
  }

  private static void writeUnsigned(JsonGenerator g, long value) throws IOException {
    if (value >= 0) {
      g.writeNumber(value);
    } else {
      g.writeNumber(Long.toUnsignedString(value));
    }
  }

  private static void writeBinaryData(List<Tensor> outputs, OutputEncoding encoding, ByteBuf out) {
    for (Tensor output : outputs) {
      if (!encoding.isBinary(output.name())) {
        continue;
      }
      if (output.datatype().isFixedSize()) {
        out.writeBytes(output.data());
      } else {
        for (byte[] element : output.strings()) {
          out.writeIntLE(element.length);
          out.writeBytes(element);
        }
      }
    }
  }
}
