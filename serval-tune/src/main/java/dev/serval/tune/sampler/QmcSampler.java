package dev.serval.tune.sampler;

import dev.serval.tune.Param;
import dev.serval.tune.StudyView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Quasi-random sampling with the scrambled Halton sequence: trial {@code n} takes point
 * {@code n}; dimension {@code d} is the radical inverse of {@code n} in the d-th prime base with
 * every digit position passed through its own random permutation (seeded by the study), which
 * removes the correlation of plain Halton between high dimensions.
 */
public final class QmcSampler implements Sampler {
  /** Digits until base^-digits is below double precision. */
  private static final double PRECISION = 1e-16;

  @Override
  public Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    List<Param> params = study.space().params();
    Map<String, Object> point = new LinkedHashMap<>();
    int base = 1;
    for (int d = 0; d < params.size(); d++) {
      base = nextPrime(base);
      double u = scrambledRadicalInverse(trial.trialNumber(), base, study.seed() + 31L * d);
      point.put(params.get(d).name(), params.get(d).fromUnit(u));
    }
    return point;
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    return param.fromUnit(trial.random().nextDouble());
  }

  static double scrambledRadicalInverse(long index, int base, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double result = 0;
    double scale = 1.0 / base;
    long rest = index;
    while (scale > PRECISION) {
      int digit = (int) (rest % base);
      result += permutation(base, random)[digit] * scale;
      rest /= base;
      scale /= base;
    }
    return result;
  }

  private static int[] permutation(int base, SplittableRandom random) {
    int[] p = new int[base];
    for (int i = 0; i < base; i++) {
      p[i] = i;
    }
    for (int i = base - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static int nextPrime(int after) {
    int candidate = after + 1;
    while (!isPrime(candidate)) {
      candidate++;
    }
    return candidate;
  }

  private static boolean isPrime(int n) {
    for (int k = 2; k * k <= n; k++) {
      if (n % k == 0) {
        return false;
      }
    }
    return n >= 2;
  }
}
