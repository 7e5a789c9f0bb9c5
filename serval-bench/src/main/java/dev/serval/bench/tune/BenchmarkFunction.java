package dev.serval.bench.tune;

import dev.serval.tune.Objective;
import dev.serval.tune.SearchSpace;

/**
 * A function to minimize with a known optimum, over the space a tuner searches.
 *
 * @param optimum the global minimum, so results can be read as a gap to it
 */
public record BenchmarkFunction(String name, SearchSpace space, double optimum,
    Objective objective) {}
