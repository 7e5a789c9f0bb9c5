package dev.serval.bench;

import java.net.URI;

/** A server started for a benchmark; closing it stops it. */
public interface RunningServer extends AutoCloseable {
  /** Where it listens, e.g. {@code http://127.0.0.1:41234}. */
  URI baseUrl();

  @Override
  void close();
}
