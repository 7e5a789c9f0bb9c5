package dev.serval.server.cli;

import dev.serval.server.ServalServer;
import dev.serval.server.observability.AccessLog;
import dev.serval.server.observability.Observability;
import dev.serval.server.observability.Tracing;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The access log and trace export of a server; part of {@link ServingOptions}. */
final class ObservabilityOptions {
  private static final String STDOUT = "-";

  @Option(
      names = "--access-log",
      paramLabel = "FILE",
      description = "Append one JSON line per request to FILE ('-' for standard output;"
          + " default: no access log).")
  String accessLog;

  @Option(
      names = "--access-log-exclude-health",
      description = "Leave the health probes (/v2/health/*, gRPC ServerLive and ServerReady) out"
          + " of the access log.")
  boolean excludeHealth;

  @Option(
      names = "--otlp-endpoint",
      paramLabel = "URL",
      description = "Export a trace span per request over OTLP/HTTP to this collector, e.g."
          + " http://127.0.0.1:4318 (default: no export).")
  String otlpEndpoint;

  /** Opens the access log and the trace exporter asked for; the server closes them. */
  void configure(ServalServer.Builder server) {
    server.observability(open());
  }

  /** The access log and trace exporter asked for, open; whoever builds it closes them. */
  Observability.Builder open() {
    Observability.Builder observability = Observability.builder();
    Tracing tracing = otlpEndpoint == null ? null : tracing();
    if (tracing != null) {
      observability.tracing(tracing);
    }
    if (accessLog != null) {
      try {
        observability.accessLog(accessLog());
      } catch (UsageException e) {
        if (tracing != null) {
          tracing.close();
        }
        throw e;
      }
    }
    return observability;
  }

  private Tracing tracing() {
    try {
      return Tracing.otlp(otlpEndpoint, ServalServer.version());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--otlp-endpoint " + e.getMessage());
    }
  }

  private AccessLog accessLog() {
    AccessLog.Builder log = AccessLog.builder().excludeHealth(excludeHealth);
    if (accessLog.equals(STDOUT)) {
      return log.stream(System.out).build();
    }
    try {
      return log.file(Path.of(accessLog)).build();
    } catch (UncheckedIOException e) {
      throw new UsageException(
          "--access-log: " + e.getMessage() + "; choose a file in a folder that exists and that"
              + " you can write to, or '-' for standard output");
    }
  }
}
