package dev.serval.jobs;

/** A version a job pushed to the registry: {@code model} version {@code version}. */
public record PublishedModel(String model, int version) {}
