package dev.serval.server.observability.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** One access log line: a JSON object with a fixed set of fields, null where unknown. */
final class AccessLogFormat {
  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  private AccessLogFormat() {}

  /** Writes {@code request} and a newline. */
  static void write(CompletedRequest request, Writer out) {
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", request.time().toString());
      json.writeStringField("request_id", request.requestId());
      json.writeStringField("remote", request.remoteAddress());
      json.writeStringField("method", request.method());
      json.writeStringField("path", request.path());
      json.writeStringField("protocol", request.protocol().tag());
      json.writeStringField("http_version", request.httpVersion());
      json.writeNumberField("status", request.httpStatus());
      json.writeStringField("grpc_status", request.grpcStatus());
      // Microsecond precision is what the log has; more digits would be noise.
      json.writeNumberField("latency_ms", Math.round(request.latencyNanos() / 1_000.0) / 1_000.0);
      json.writeNumberField("request_bytes", request.requestBytes());
      json.writeNumberField("response_bytes", request.responseBytes());
      json.writeStringField("model", request.model());
      json.writeStringField("key_id", request.keyId());
      json.writeStringField("user_agent", request.userAgent());
      json.writeEndObject();
      json.flush();
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
