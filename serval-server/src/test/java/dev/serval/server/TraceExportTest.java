package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.serval.core.DataType;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.server.observability.Observability;
import dev.serval.server.observability.Tracing;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spans exported over OTLP/HTTP to a collector: a small Armeria server that receives
 * {@code POST /v1/traces} and reads the protobuf by field number (the OTLP trace schema).
 */
class TraceExportTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";
  /** OTLP's SpanKind SERVER. */
  private static final long SERVER = 2;

  private static final Queue<byte[]> EXPORTS = new ConcurrentLinkedQueue<>();

  @RegisterExtension
  static final ServerExtension collector =
      new ServerExtension() {
        @Override
        protected void configure(ServerBuilder sb) {
          sb.service("/v1/traces", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(body -> {
            EXPORTS.add(body.content().array());
            return HttpResponse.of(HttpStatus.OK, MediaType.PROTOBUF, new byte[0]);
          })));
        }
      };

  @TempDir Path repository;

  @Test
  void exportsAServerSpanPerRequestWithItsIdModelAndTheCallersTraceParent() {
    TestServer.writeModel(repository, "id", 1, SampleModels.identity(DataType.FP32, -1, 2));
    AggregatedHttpResponse response;
    Observability.Builder traced =
        Observability.builder().tracing(Tracing.otlp(collector.httpUri().toString(), "test"));
    try (TestServer server = TestServer.start(repository, b -> b.observability(traced))) {
      response = server.blocking.execute(
          RequestHeaders.builder(HttpMethod.POST, "/v2/models/id/infer")
              .contentType(MediaType.JSON_UTF_8)
              .set("x-request-id", "traced-1")
              .set("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01")
              .build(),
          TestServer.inferRequest("x", "FP32", "[1, 2]", "[3, 4]"));
    } // closing flushes the spans
    assertThat(response.status().code()).isEqualTo(200);

    await().until(() -> span("traced-1") != null);
    ExportedSpan span = span("traced-1");
    assertThat(span.name()).isEqualTo("POST /v2/models/{model}/infer");
    assertThat(span.kind()).isEqualTo(SERVER);
    assertThat(span.traceId()).isEqualTo(TRACE_ID);
    assertThat(span.parentSpanId()).isEqualTo(PARENT_SPAN_ID);
    assertThat(span.attribute("serval.model")).isEqualTo("id");
    assertThat(span.attribute("http.route")).isEqualTo("/v2/models/{model}/infer");
    assertThat(span.attribute("http.request.method")).isEqualTo("POST");
    assertThat(span.attribute("http.response.status_code")).isEqualTo(200L);
  }

  private static ExportedSpan span(String requestId) {
    return spans().stream()
        .filter(s -> requestId.equals(s.attribute("serval.request_id")))
        .findFirst()
        .orElse(null);
  }

  /** One span of an OTLP export, with its string and integer attributes. */
  private record ExportedSpan(
      String traceId, String parentSpanId, String name, long kind,
      Map<String, Object> attributes) {
    Object attribute(String key) {
      return attributes.get(key);
    }
  }

  /** ExportTraceServiceRequest.resource_spans(1).scope_spans(2).spans(2). */
  private static List<ExportedSpan> spans() {
    List<ExportedSpan> spans = new ArrayList<>();
    for (byte[] export : EXPORTS) {
      for (ByteString resourceSpans : parse(export).getField(1).getLengthDelimitedList()) {
        for (ByteString scopeSpans : parse(resourceSpans).getField(2).getLengthDelimitedList()) {
          for (ByteString span : parse(scopeSpans).getField(2).getLengthDelimitedList()) {
            spans.add(span(parse(span)));
          }
        }
      }
    }
    return spans;
  }

  /** Span: trace_id 1, parent_span_id 4, name 5, kind 6, attributes 9. */
  private static ExportedSpan span(UnknownFieldSet span) {
    Map<String, Object> attributes = new HashMap<>();
    for (ByteString keyValue : span.getField(9).getLengthDelimitedList()) {
      UnknownFieldSet pair = parse(keyValue);
      // AnyValue: string_value 1, int_value 3.
      UnknownFieldSet value = parse(pair.getField(2).getLengthDelimitedList().get(0));
      Object decoded = value.hasField(1)
          ? value.getField(1).getLengthDelimitedList().get(0).toStringUtf8()
          : value.getField(3).getVarintList().isEmpty() ? null
          : value.getField(3).getVarintList().get(0);
      attributes.put(pair.getField(1).getLengthDelimitedList().get(0).toStringUtf8(), decoded);
    }
    return new ExportedSpan(
        hex(span.getField(1)),
        hex(span.getField(4)),
        span.getField(5).getLengthDelimitedList().get(0).toStringUtf8(),
        span.getField(6).getVarintList().get(0),
        attributes);
  }

  private static String hex(UnknownFieldSet.Field bytes) {
    List<ByteString> values = bytes.getLengthDelimitedList();
    return values.isEmpty() ? "" : HexFormat.of().formatHex(values.get(0).toByteArray());
  }

  private static UnknownFieldSet parse(byte[] message) {
    return parse(ByteString.copyFrom(message));
  }

  private static UnknownFieldSet parse(ByteString message) {
    try {
      return UnknownFieldSet.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(e);
    }
  }
}
