package dev.serval.bench.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** REST clients, each with its own keep-alive HTTP/1.1 connection sending prebuilt bytes. */
public final class HttpInferClients implements InferClients {
  private static final long IO_ERROR_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final List<HttpConnection> connections;
  private final byte[] request;

  private HttpInferClients(List<HttpConnection> connections, byte[] request) {
    this.connections = connections;
    this.request = request;
  }

  /**
   * Opens {@code count} connections to {@code address}.
   *
   * @param request the complete HTTP request every client sends
   * @throws IOException when a connection cannot be opened; none is left open
   */
  public static HttpInferClients connect(InetSocketAddress address, long connectTimeoutMillis,
      int count, byte[] request) throws IOException {
    List<HttpConnection> connections = new ArrayList<>();
    HttpInferClients clients = new HttpInferClients(connections, request);
    try {
      for (int i = 0; i < count; i++) {
        HttpConnection connection = new HttpConnection(address, connectTimeoutMillis);
        connections.add(connection);
        connection.connect();
      }
    } catch (IOException e) {
      clients.close();
      throw e;
    }
    return clients;
  }

  /** Drives each loop from its own thread, over its own connection. */
  @Override
  public Workers start(List<? extends ClosedLoop> loops) {
    if (loops.size() > connections.size()) {
      throw new IllegalArgumentException("loops must be at most the " + connections.size()
          + " connections but were " + loops.size());
    }
    List<Runnable> tasks = new ArrayList<>();
    for (int i = 0; i < loops.size(); i++) {
      ClosedLoop loop = loops.get(i);
      HttpConnection connection = connections.get(i);
      tasks.add(() -> {
        long start;
        while (loop.sendsAt(start = System.nanoTime())) {
          loop.completed(start, exchange(connection));
        }
      });
    }
    return Workers.start("serval-bench-client-", tasks);
  }

  private RequestFailure exchange(HttpConnection connection) {
    int status;
    try {
      status = connection.exchange(request);
    } catch (IOException e) {
      // a refused or reset connection fails fast; do not spin on it
      LockSupport.parkNanos(IO_ERROR_BACKOFF_NANOS);
      return new RequestFailure(RequestFailure.IO_ERROR, e.toString());
    }
    return status == 200 ? null : new RequestFailure(Integer.toString(status), "HTTP " + status);
  }

  @Override
  public void abort() {
    connections.forEach(HttpConnection::abort);
  }

  @Override
  public void close() {
    connections.forEach(HttpConnection::close);
  }
}
