package dev.serval.server.observability;

import dev.serval.server.observability.internal.AccessLogWriter;
import dev.serval.server.observability.internal.CompletedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

/**
 * The access log: one JSON object per line per request, written by a thread of its own. Give it
 * to {@link Observability.Builder#accessLog}; build with {@link #builder()}.
 */
public final class AccessLog implements AutoCloseable {
  /** REST and gRPC health probes, which {@link Builder#excludeHealth} leaves out. */
  static final Set<String> HEALTH_PATHS =
      Set.of(
          "/v2/health/live",
          "/v2/health/ready",
          "/inference.GRPCInferenceService/ServerLive",
          "/inference.GRPCInferenceService/ServerReady");

  private final AccessLogWriter writer;
  private final boolean excludeHealth;

  private AccessLog(AccessLogWriter writer, boolean excludeHealth) {
    this.writer = writer;
    this.excludeHealth = excludeHealth;
  }

  public static Builder builder() {
    return new Builder();
  }

  void record(CompletedRequest request) {
    if (!excludeHealth || !HEALTH_PATHS.contains(request.path())) {
      writer.write(request);
    }
  }

  /** Lines lost because the output could not keep up or failed. */
  public long dropped() {
    return writer.dropped();
  }

  /** Writes the lines still queued, then closes a file output (a stream is only flushed). */
  @Override
  public void close() {
    writer.close();
  }

  /** Validating builder of {@link AccessLog}. */
  public static final class Builder {
    public static final int DEFAULT_CAPACITY = 65_536;

    private Path file;
    private OutputStream stream;
    private boolean excludeHealth;
    private int capacity = DEFAULT_CAPACITY;
    private ThreadFactory threads =
        task -> {
          Thread thread = new Thread(task, "serval-access-log");
          thread.setDaemon(true);
          return thread;
        };

    private Builder() {}

    /** Appends to {@code file}, creating it if missing. */
    public Builder file(Path file) {
      this.file = Objects.requireNonNull(file, "file");
      this.stream = null;
      return this;
    }

    /** Writes to {@code stream} (e.g. standard output), which {@link #close()} only flushes. */
    public Builder stream(OutputStream stream) {
      this.stream = Objects.requireNonNull(stream, "stream");
      this.file = null;
      return this;
    }

    /** Leaves out the health probes, which load balancers send every few seconds. */
    public Builder excludeHealth(boolean excludeHealth) {
      this.excludeHealth = excludeHealth;
      return this;
    }

    /** Lines that may wait for the writer; more are dropped and counted. */
    public Builder capacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be positive but was " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /** Makes the writer's thread. */
    public Builder threadFactory(ThreadFactory threads) {
      this.threads = Objects.requireNonNull(threads, "threads");
      return this;
    }

    /**
     * Opens the output and starts the writer.
     *
     * @throws IllegalStateException when neither a file nor a stream was given
     * @throws UncheckedIOException when the file cannot be opened for appending
     */
    public AccessLog build() {
      if (file == null && stream == null) {
        throw new IllegalStateException("the access log needs a file or a stream");
      }
      OutputStream out = stream != null ? stream : open(file);
      AccessLogWriter writer = new AccessLogWriter(out, file != null, capacity, threads);
      return new AccessLog(writer, excludeHealth);
    }

    private static OutputStream open(Path file) {
      try {
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot open the access log " + file + " for appending: " + e.getMessage(), e);
      }
    }
  }
}
