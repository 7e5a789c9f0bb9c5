package dev.serval.bench.tune;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * The best value each seed's study found for one function and sampler, with its quartiles
 * (linear interpolation between order statistics, as numpy's default; the Python script uses
 * the same rule).
 */
public record BestValues(String function, String sampler, double optimum, int trials,
    List<Double> bestPerSeed) {

  public BestValues {
    bestPerSeed = List.copyOf(bestPerSeed);
    if (bestPerSeed.isEmpty()) {
      throw new IllegalArgumentException("bestPerSeed must not be empty for " + function);
    }
  }

  @JsonProperty("median")
  public double median() {
    return quantile(0.5);
  }

  @JsonProperty("q1")
  public double q1() {
    return quantile(0.25);
  }

  @JsonProperty("q3")
  public double q3() {
    return quantile(0.75);
  }

  double quantile(double p) {
    double[] sorted = bestPerSeed.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    double position = p * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }
}
