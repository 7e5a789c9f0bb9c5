package dev.serval.security;

import dev.serval.core.InvalidInputException;
import java.util.Locale;

/**
 * A token bucket's shape: {@code perSecond} requests per second on average, and bursts of up to
 * {@code burst} at once after a quiet spell.
 *
 * @param perSecond refill rate, positive
 * @param burst bucket size, at least 1
 */
public record RateLimit(double perSecond, int burst) {
  public RateLimit {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new InvalidInputException(
          "rate limit must be a positive number of requests per second but was " + perSecond);
    }
    if (burst < 1) {
      throw new InvalidInputException("rate limit burst must be at least 1 but was " + burst);
    }
  }

  /** The limit with the default burst: one second's worth of requests, at least one. */
  public static RateLimit of(double perSecond) {
    return new RateLimit(perSecond, (int) Math.max(1, Math.ceil(Math.min(perSecond, 1e9))));
  }

  /**
   * Parses {@code RATE[/s|/m][:BURST]}, e.g. {@code 100/s}, {@code 30/m}, {@code 5/s:20}; a bare
   * number is per second.
   */
  public static RateLimit parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    int colon = value.indexOf(':');
    String rate = colon < 0 ? value : value.substring(0, colon);
    double perUnit = 1;
    if (rate.endsWith("/s")) {
      rate = rate.substring(0, rate.length() - 2);
    } else if (rate.endsWith("/m")) {
      rate = rate.substring(0, rate.length() - 2);
      perUnit = 60;
    }
    try {
      double perSecond = Double.parseDouble(rate) / perUnit;
      return colon < 0 ? of(perSecond)
          : new RateLimit(perSecond, Integer.parseInt(value.substring(colon + 1)));
    } catch (NumberFormatException | InvalidInputException e) {
      throw new InvalidInputException("rate limit must look like 100/s, 30/m or 5/s:20"
          + " (RATE[/s|/m][:BURST], positive) but was '" + text + "'");
    }
  }

  /** The form {@link #parse} reads, e.g. {@code 100/s:100}. */
  @Override
  public String toString() {
    String rate = perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond)
        : Double.toString(perSecond);
    return rate + "/s:" + burst;
  }
}
