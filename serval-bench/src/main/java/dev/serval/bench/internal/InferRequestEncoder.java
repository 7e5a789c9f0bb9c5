package dev.serval.bench.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.serval.bench.Encoding;
import dev.serval.core.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds complete Open Inference Protocol HTTP/1.1 requests once, so the load generator only
 * writes bytes in its loop.
 */
public final class InferRequestEncoder {
  private static final JsonFactory JSON = new JsonFactory();

  private InferRequestEncoder() {}

  /**
   * A whole POST request: request line, headers and body.
   *
   * @param hostHeader the Host header value, e.g. {@code 127.0.0.1:8000}
   * @param path the request target, e.g. {@code /v2/models/mlp/infer}
   */
  public static byte[] httpRequest(String hostHeader, String path, List<Tensor> inputs,
      Encoding encoding) {
    if (!encoding.isRest()) {
      throw new IllegalArgumentException("encoding must be a REST one but was " + encoding);
    }
    byte[] body;
    StringBuilder head = new StringBuilder(256)
        .append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(hostHeader).append("\r\n");
    if (encoding == Encoding.JSON) {
      body = jsonBody(inputs);
      head.append("Content-Type: application/json\r\n");
    } else {
      byte[] header = binaryHeader(inputs);
      body = concat(header, inputs);
      head.append("Content-Type: application/octet-stream\r\n")
          .append("Inference-Header-Content-Length: ").append(header.length).append("\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** A JSON request body with every element in a flat {@code data} array. */
  public static byte[] jsonBody(List<Tensor> inputs) {
    return writeJson(inputs, Encoding.JSON);
  }

  /**
   * The JSON header of a binary-extension request: each input's {@code binary_data_size}, and
   * binary outputs requested for the whole response.
   */
  public static byte[] binaryHeader(List<Tensor> inputs) {
    return writeJson(inputs, Encoding.BINARY);
  }

  private static byte[] writeJson(List<Tensor> inputs, Encoding encoding) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("inputs");
      for (Tensor input : inputs) {
        json.writeStartObject();
        json.writeStringField("name", input.name());
        json.writeFieldName("shape");
        long[] dims = input.shape().dims();
        json.writeArray(dims, 0, dims.length);
        json.writeStringField("datatype", input.datatype().name());
        if (encoding == Encoding.JSON) {
          json.writeArrayFieldStart("data");
          TensorJson.writeElements(json, input);
          json.writeEndArray();
        } else {
          json.writeObjectFieldStart("parameters");
          json.writeNumberField("binary_data_size", input.byteCount());
          json.writeEndObject();
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      if (encoding == Encoding.BINARY) {
        json.writeObjectFieldStart("parameters");
        json.writeBooleanField("binary_data_output", true);
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] header, List<Tensor> inputs) {
    long total = header.length;
    for (Tensor input : inputs) {
      total += input.byteCount();
    }
    if (total > Integer.MAX_VALUE - 1024) {
      throw new IllegalArgumentException("request of " + total + " bytes is too large");
    }
    ByteBuffer body = ByteBuffer.allocate((int) total).put(header);
    for (Tensor input : inputs) {
      body.put(input.data());
    }
    return body.array();
  }
}
