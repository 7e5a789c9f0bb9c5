package dev.serval.bench.internal;

import java.util.List;

/** The connected clients of one load phase and the connections they hold. */
public interface InferClients extends AutoCloseable {
  /** One client per concurrent request, each to be driven by its own thread. */
  List<InferClient> clients();

  /** Fails every request still waiting, from any thread. */
  void abort();

  /** Closes every connection. */
  @Override
  void close();
}
