package dev.serval.async;

/** The outcome of pushing a finished request's result to a callback URL or a reply queue. */
public enum DeliveryState {
  PENDING,
  DELIVERED,
  FAILED
}
