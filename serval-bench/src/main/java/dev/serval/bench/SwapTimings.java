package dev.serval.bench;

/**
 * The deployment changes made during the swap phase.
 *
 * @param done changes answered 200, i.e. served by the time they were answered
 * @param failed changes answered otherwise or not at all
 * @param latency how long each successful change took to be answered
 * @param firstError the first failure's description, or {@code null}
 */
public record SwapTimings(long done, long failed, LatencySummary latency, String firstError) {}
