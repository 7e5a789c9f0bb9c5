package dev.serval.core;

/**
 * Checks of the address a server binds, shared by every server's builder so that they refuse
 * the same values with the same words.
 */
public final class ListenAddress {
  private ListenAddress() {}

  /** Returns {@code host}, refused when missing or blank. */
  public static String host(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank but was '" + host + "'");
    }
    return host;
  }

  /** Returns {@code port}, refused outside 0..65535 (0 picks a free port). */
  public static int port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be within 0..65535 but was " + port);
    }
    return port;
  }
}
