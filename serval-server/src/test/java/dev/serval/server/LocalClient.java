package dev.serval.server;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.CommonPools;

/**
 * A client of one test server with connections of its own, to close before the server stops: a
 * server waits up to 2 seconds for a client's open connection to drain, and tests stop hundreds
 * of servers. Armeria's shared event loops serve it, so closing it does not wait for loops to
 * quiesce either.
 */
public final class LocalClient implements AutoCloseable {
  private final ClientFactory factory;
  private final WebClient client;

  private LocalClient(String baseUrl) {
    this.factory = ClientFactory.builder().workerGroup(CommonPools.workerGroup(), false).build();
    this.client = WebClient.builder(baseUrl).factory(factory).build();
  }

  /** A client of {@code http://127.0.0.1:port}. */
  public static LocalClient of(int port) {
    return new LocalClient("http://127.0.0.1:" + port);
  }

  public WebClient web() {
    return client;
  }

  public BlockingWebClient blocking() {
    return client.blocking();
  }

  /** Closes the client's connections. */
  @Override
  public void close() {
    factory.close();
  }
}
