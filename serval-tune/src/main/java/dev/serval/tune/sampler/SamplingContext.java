package dev.serval.tune.sampler;

import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The trial being sampled: its number, the parameters chosen for it so far (in order) and a
 * random source seeded from the study seed and the trial number, so that the same seed and
 * history give the same suggestions.
 */
public record SamplingContext(int trialNumber, Map<String, Object> chosen,
    RandomGenerator random) {}
