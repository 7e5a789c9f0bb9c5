package dev.serval.bench.internal;

/**
 * Why one load request failed.
 *
 * @param key how failures are counted: an HTTP status, a gRPC status code or {@code io-error}
 * @param description what the first failure of a phase is reported as
 */
public record RequestFailure(String key, String description) {
  /** The key of failures to connect or to exchange bytes at all. */
  public static final String IO_ERROR = "io-error";
}
