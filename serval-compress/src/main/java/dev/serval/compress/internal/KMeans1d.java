package dev.serval.compress.internal;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * K-means on scalars (Lloyd's algorithm on sorted values, where each cluster is a contiguous run).
 * When there are no more distinct values than clusters, every distinct value is its own centroid,
 * so the clustering is exact.
 */
final class KMeans1d {
  /** Values beyond this are subsampled to fit the centroids, which keeps large layers fast. */
  private static final int SAMPLE = 1 << 18;
  private static final int ITERATIONS = 50;

  private KMeans1d() {}

  /** Sorted centroids, at most {@code clusters} of them. */
  static float[] centroids(float[] values, int clusters, long seed) {
    float[] distinct = sortedDistinct(values);
    if (distinct.length <= clusters) {
      return distinct;
    }
    double[] sample = sortedSample(values, seed);
    double[] prefix = new double[sample.length + 1];
    for (int i = 0; i < sample.length; i++) {
      prefix[i + 1] = prefix[i] + sample[i];
    }
    double[] centroids = new double[clusters];
    for (int j = 0; j < clusters; j++) {
      centroids[j] = sample[(int) ((j + 0.5) * sample.length / clusters)];
    }
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      if (!update(sample, prefix, centroids)) {
        break;
      }
    }
    float[] result = new float[clusters];
    for (int j = 0; j < clusters; j++) {
      result[j] = (float) centroids[j];
    }
    Arrays.sort(result);
    return result;
  }

  /** The index of the nearest centroid for each value. */
  static byte[] assign(float[] values, float[] centroids) {
    byte[] indices = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      indices[i] = (byte) nearest(centroids, values[i]);
    }
    return indices;
  }

  private static int nearest(float[] centroids, float value) {
    int at = Arrays.binarySearch(centroids, value);
    if (at >= 0) {
      return at;
    }
    int above = -at - 1;
    if (above == 0) {
      return 0;
    }
    if (above == centroids.length) {
      return centroids.length - 1;
    }
    return value - centroids[above - 1] <= centroids[above] - value ? above - 1 : above;
  }

  /** One Lloyd step; whether any centroid moved. */
  private static boolean update(double[] sample, double[] prefix, double[] centroids) {
    Arrays.sort(centroids);
    boolean moved = false;
    int start = 0;
    for (int j = 0; j < centroids.length; j++) {
      int end = j == centroids.length - 1 ? sample.length
          : upperBound(sample, (centroids[j] + centroids[j + 1]) / 2);
      if (end > start) {
        double mean = (prefix[end] - prefix[start]) / (end - start);
        moved |= mean != centroids[j];
        centroids[j] = mean;
        start = end;
      }
    }
    return moved;
  }

  private static int upperBound(double[] sorted, double value) {
    int low = 0;
    int high = sorted.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (sorted[mid] <= value) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private static float[] sortedDistinct(float[] values) {
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    int count = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[count - 1]) {
        sorted[count++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, count);
  }

  private static double[] sortedSample(float[] values, long seed) {
    double[] sample;
    if (values.length <= SAMPLE) {
      sample = new double[values.length];
      for (int i = 0; i < values.length; i++) {
        sample[i] = values[i];
      }
    } else {
      SplittableRandom random = new SplittableRandom(seed);
      sample = new double[SAMPLE];
      for (int i = 0; i < SAMPLE; i++) {
        sample[i] = values[random.nextInt(values.length)];
      }
    }
    Arrays.sort(sample);
    return sample;
  }
}
