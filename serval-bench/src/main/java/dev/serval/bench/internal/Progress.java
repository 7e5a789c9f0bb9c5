package dev.serval.bench.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/** Prefixes progress lines with the time elapsed since the run started. */
public final class Progress {
  private final Consumer<String> sink;
  private final long startNanos = System.nanoTime();

  public Progress(Consumer<String> sink) {
    this.sink = sink;
  }

  /** A duration as progress lines show it, e.g. {@code 2.5 s}. */
  public static String seconds(Duration duration) {
    return duration.toMillis() / 1000.0 + " s";
  }

  public void report(String line) {
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    sink.accept(String.format(Locale.ROOT, "[%7.1f s] %s", elapsed, line));
  }
}
