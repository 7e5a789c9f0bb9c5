package dev.serval.gateway;

import java.time.Duration;
import java.util.Objects;

/**
 * When a replica's circuit opens: once at least {@code minimumRequests} requests were sent to it
 * within {@code window} and the share of them that failed (transport errors and 5xx) reaches
 * {@code failureRatio}. It then gets no traffic for {@code openWindow}, after which one trial
 * request decides whether it closes again.
 */
public record CircuitSettings(
    double failureRatio, long minimumRequests, Duration window, Duration openWindow) {
  public static final CircuitSettings DEFAULT =
      new CircuitSettings(0.5, 5, Duration.ofSeconds(10), Duration.ofSeconds(2));

  public CircuitSettings {
    if (!(failureRatio > 0 && failureRatio <= 1)) {
      throw new IllegalArgumentException(
          "failureRatio must be within (0, 1] but was " + failureRatio);
    }
    if (minimumRequests < 1) {
      throw new IllegalArgumentException(
          "minimumRequests must be at least 1 but was " + minimumRequests);
    }
    requirePositive("window", window);
    requirePositive("openWindow", openWindow);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was " + value);
    }
  }
}
