package dev.serval.tune.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand; read by heartbeat threads too, hence volatile. */
final class ManualClock extends Clock {
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  private volatile Instant now = START;

  void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public ZoneOffset getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
