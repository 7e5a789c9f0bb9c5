package dev.serval.bus;

/** A listener's registration; closing it stops deliveries to the listener. */
public interface Subscription extends AutoCloseable {

  /**
   * No delivery to the listener starts after this returns; one in progress may finish. Closing
   * twice is harmless.
   */
  @Override
  void close();
}
