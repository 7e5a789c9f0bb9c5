package dev.serval.gateway.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads and rewrites the model of a unary gRPC request of the inference service without its
 * generated classes. Every model-scoped request message there (ModelInfer, ModelReady,
 * ModelMetadata, ModelStatistics) has the model name as field 1 and the version as field 2.
 */
final class GrpcMessages {
  /** Compressed flag (1 byte) and message length (4 bytes, big-endian) before each message. */
  private static final int PREFIX = 5;
  private static final int MODEL_FIELD = 1;
  private static final int VERSION_FIELD = 2;

  private GrpcMessages() {}

  /** The model and version a request names; version null when empty. */
  record ModelRef(String model, String version) {}

  /**
   * @param body one length-prefixed gRPC message
   * @throws IllegalArgumentException when the body is not one uncompressed message
   */
  static ModelRef modelOf(byte[] body) {
    int length = messageLength(body);
    CodedInputStream in = CodedInputStream.newInstance(body, PREFIX, length);
    String model = "";
    String version = "";
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        int field = WireFormat.getTagFieldNumber(tag);
        boolean string = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
        if (string && field == MODEL_FIELD) {
          model = in.readStringRequireUtf8();
        } else if (string && field == VERSION_FIELD) {
          version = in.readStringRequireUtf8();
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the request is not a valid protobuf message: "
          + e.getMessage(), e);
    }
    return new ModelRef(model, version.isEmpty() ? null : version);
  }

  /**
   * The same request for {@code model}'s default version. Protobuf keeps the last value of a
   * repeated singular field, so appending both fields overrides the ones the client sent.
   */
  static byte[] withModel(byte[] body, String model) {
    int length = messageLength(body);
    int extra = CodedOutputStream.computeStringSize(MODEL_FIELD, model)
        + CodedOutputStream.computeStringSize(VERSION_FIELD, "");
    byte[] rewritten = new byte[PREFIX + length + extra];
    ByteBuffer.wrap(rewritten).put((byte) 0).putInt(length + extra).put(body, PREFIX, length);
    CodedOutputStream out =
        CodedOutputStream.newInstance(rewritten, PREFIX + length, extra);
    try {
      out.writeString(MODEL_FIELD, model);
      out.writeString(VERSION_FIELD, "");
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("cannot append to a gRPC message: " + e.getMessage(), e);
    }
    return rewritten;
  }

  private static int messageLength(byte[] body) {
    if (body.length < PREFIX) {
      throw new IllegalArgumentException("the request has no gRPC message");
    }
    if (body[0] != 0) {
      throw new IllegalArgumentException(
          "the gateway routes by the model inside the message and cannot read compressed "
              + "requests; send them uncompressed");
    }
    int length = ByteBuffer.wrap(body, 1, 4).getInt();
    if (length != body.length - PREFIX) {
      throw new IllegalArgumentException("the gateway proxies unary calls with one message; "
          + "the request's message length " + length + " does not match its "
          + (body.length - PREFIX) + " bytes");
    }
    return length;
  }
}
