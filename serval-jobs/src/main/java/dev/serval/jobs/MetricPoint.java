package dev.serval.jobs;

import java.time.Instant;

/** One value of a metric a job reported, at a step of its attempt. */
public record MetricPoint(String name, long step, double value, Instant time) {}
