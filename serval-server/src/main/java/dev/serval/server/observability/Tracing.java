package dev.serval.server.observability;

import dev.serval.server.observability.internal.ServerSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * OpenTelemetry trace export: one server span per request, sent in batches over OTLP/HTTP
 * (protobuf) by a background thread. Give it to {@link Observability.Builder#tracing}.
 */
public final class Tracing implements AutoCloseable {
  /** The OTLP/HTTP path of traces, added to a collector's base URL. */
  public static final String TRACES_PATH = "/v1/traces";
  private static final String SCOPE = "dev.serval.server";

  private final SdkTracerProvider provider;
  private final ServerSpans spans;

  private Tracing(SdkTracerProvider provider) {
    this.provider = provider;
    this.spans = new ServerSpans(provider.get(SCOPE));
  }

  /**
   * Exports to an OTLP/HTTP collector.
   *
   * @param endpoint the collector's base URL, such as {@code http://127.0.0.1:4318}, or its full
   *     traces URL ending in {@value #TRACES_PATH}
   * @param serviceVersion reported as the {@code service.version} of every span
   * @throws IllegalArgumentException when {@code endpoint} is not an http or https URL
   */
  public static Tracing otlp(String endpoint, String serviceVersion) {
    Objects.requireNonNull(serviceVersion, "serviceVersion");
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(endpoint)).build();
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"), "serval",
                        AttributeKey.stringKey("service.version"), serviceVersion)));
    return new Tracing(
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build());
  }

  static String tracesUrl(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(
          "endpoint must be an http or https URL such as http://127.0.0.1:4318 but was '"
              + endpoint + "'");
    }
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return base.endsWith(TRACES_PATH) ? base : base + TRACES_PATH;
  }

  ServerSpans spans() {
    return spans;
  }

  /** Sends the spans still buffered (waiting up to the exporter's timeout), then stops. */
  @Override
  public void close() {
    provider.close();
  }
}
