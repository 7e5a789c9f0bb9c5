package dev.serval.bench;

/**
 * How long one part of a push took when measured on its own, in process.
 *
 * @param step what was measured, e.g. {@code validation: smoke}
 */
public record StepTiming(String step, long nanos) {}
