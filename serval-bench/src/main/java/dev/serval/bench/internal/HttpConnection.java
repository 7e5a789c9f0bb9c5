package dev.serval.bench.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One persistent HTTP/1.1 connection that sends prebuilt request bytes and reads back only the
 * status, so that the load generator spends as little CPU as possible on the machine it shares
 * with the server. Reconnects when the server closes the connection or an exchange fails.
 *
 * <p>Reads and writes are plain blocking system calls: a socket with a read timeout would poll
 * before every read, doubling the client's system calls. A stuck exchange is ended instead by
 * {@link #abort()} from another thread.
 */
public final class HttpConnection implements AutoCloseable {
  private final InetSocketAddress address;
  private final long connectTimeoutMillis;
  private volatile SocketChannel channel;
  private HttpResponseReader reader;

  public HttpConnection(InetSocketAddress address, long connectTimeoutMillis) {
    if (connectTimeoutMillis <= 0) {
      throw new IllegalArgumentException(
          "connectTimeoutMillis must be > 0 but was " + connectTimeoutMillis);
    }
    this.address = address;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  /** Opens the connection now rather than on the first exchange. */
  public void connect() throws IOException {
    if (channel != null) {
      return;
    }
    SocketChannel opened = SocketChannel.open();
    try {
      opened.setOption(StandardSocketOptions.TCP_NODELAY, true);
      connectWithin(opened);
      opened.configureBlocking(true);
      reader = new HttpResponseReader(Channels.newInputStream(opened));
      channel = opened;
    } catch (IOException e) {
      opened.close();
      throw e;
    }
  }

  /** Connects in non-blocking mode, so that the timeout holds, before going back to blocking. */
  private void connectWithin(SocketChannel opened) throws IOException {
    opened.configureBlocking(false);
    if (opened.connect(address)) {
      return;
    }
    try (Selector selector = Selector.open()) {
      opened.register(selector, SelectionKey.OP_CONNECT);
      if (selector.select(connectTimeoutMillis) == 0) {
        throw new ConnectException("connect to " + address + " timed out after "
            + connectTimeoutMillis + " ms");
      }
      opened.finishConnect();
    }
  }

  /**
   * Sends one complete request and waits for its response.
   *
   * @return the response status code
   * @throws IOException when the exchange fails; the connection is closed and reopened next time
   */
  public int exchange(byte[] request) throws IOException {
    connect();
    try {
      ByteBuffer out = ByteBuffer.wrap(request);
      while (out.hasRemaining()) {
        channel.write(out);
      }
      HttpResponseReader.Response response = reader.read();
      if (!response.keepAlive()) {
        close();
      }
      return response.status();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /**
   * Closes the socket from any thread; an exchange blocked on it fails with an
   * {@link IOException}.
   */
  public void abort() {
    SocketChannel current = channel;
    if (current != null) {
      closeQuietly(current);
    }
  }

  @Override
  public void close() {
    SocketChannel current = channel;
    channel = null;
    reader = null;
    if (current != null) {
      closeQuietly(current);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing useful to do: the socket is gone either way
    }
  }
}
