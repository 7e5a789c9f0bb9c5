package dev.serval.gateway;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Where one replica listens: a host name or address, and a port. */
public record UpstreamAddress(String host, int port) {
  public UpstreamAddress {
    if (host == null || host.isBlank() || host.contains("/")) {
      throw new IllegalArgumentException(
          "upstream host must be a host name or address but was '" + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "upstream port must be within 1..65535 but was " + port + " (host " + host + ")");
    }
  }

  /**
   * Parses {@code host:port}, with IPv6 addresses in brackets ({@code [::1]:8000}).
   *
   * @throws IllegalArgumentException naming the text when it is not of that form
   */
  public static UpstreamAddress parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new IllegalArgumentException(
          "upstream must be host:port (e.g. 10.0.0.5:8000) but was '" + text + "'");
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "an IPv6 upstream needs brackets, e.g. [::1]:8000, but was '" + text + "'");
    }
    String port = trimmed.substring(colon + 1);
    try {
      return new UpstreamAddress(host, Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "upstream port must be a number but was '" + port + "' in '" + text + "'", e);
    }
  }

  /**
   * Parses a comma-separated list of {@code host:port}.
   *
   * @throws IllegalArgumentException naming the bad or repeated entry
   */
  public static List<UpstreamAddress> parseList(String text) {
    List<UpstreamAddress> addresses = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      addresses.add(parse(part));
    }
    return requireDistinct(addresses);
  }

  /**
   * @return {@code addresses} when no address appears twice
   * @throws IllegalArgumentException naming the first repeated address
   */
  public static List<UpstreamAddress> requireDistinct(List<UpstreamAddress> addresses) {
    Set<UpstreamAddress> seen = new LinkedHashSet<>();
    for (UpstreamAddress address : addresses) {
      if (!seen.add(address)) {
        throw new IllegalArgumentException("upstream " + address + " is listed twice");
      }
    }
    return List.copyOf(addresses);
  }

  /** {@code host:port}, with brackets around an IPv6 address: the form {@link #parse} reads. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
