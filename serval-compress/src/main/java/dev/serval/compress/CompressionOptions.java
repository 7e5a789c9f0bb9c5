package dev.serval.compress;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to compress and how. Each method reads only its own settings; build with
 * {@link #builder(Method)}.
 *
 * @param method the compression method
 * @param perChannel int8 methods: one scale per output channel instead of one per tensor
 * @param symmetric int8 methods: weights quantized around zero (zero point 0) rather than over
 *     their [min, max] range
 * @param kernels int8-dynamic: the operators the quantized graph uses
 * @param calibration int8-static: a {@code .npy} file or JSON rows of model inputs
 * @param calibrationMethod int8-static: how activation ranges are chosen
 * @param percentile int8-static with {@link CalibrationMethod#PERCENTILE}: the percentile of
 *     absolute activation values that becomes the range, in (50, 100]
 * @param bits weight-only: 8 (int8, DequantizeLinear) or 4 (blockwise, MatMulNBits)
 * @param blockSize weight-only with 4 bits: weights per scale along K, a power of two >= 16
 * @param sparsity prune: the fraction of weights (or neurons and channels) to remove, in [0, 1)
 * @param structured prune: remove whole neurons and channels instead of single weights
 * @param rank low-rank: the rank to keep, or 0 to choose it by {@code energy}
 * @param energy low-rank: the fraction of the squared singular values to keep, in (0, 1]
 * @param clusterBits weight-sharing: codebook of 2^clusterBits values, 1 to 8
 * @param seed weight-sharing: seed of the k-means initialisation; low-rank: seed of the random
 *     projection of the truncated SVD
 * @param excludedNodes nodes (by name, or first output when unnamed) every method leaves alone,
 *     e.g. the layers an accuracy gate found most sensitive
 * @param fineTune prune and low-rank: labelled rows (as {@link EvaluationData} reads them) to
 *     train the compressed model on afterwards (pruned weights stay zero), or null for none
 * @param fineTuneLabels with a features {@code .npy} as {@code fineTune}: the labels {@code .npy}
 * @param fineTuneEpochs with {@code fineTune}: the most epochs to train
 * @param fineTuneSeed with {@code fineTune}: seed of the held-out rows and the batch order
 */
public record CompressionOptions(
    Method method,
    boolean perChannel,
    boolean symmetric,
    Int8Kernels kernels,
    Path calibration,
    CalibrationMethod calibrationMethod,
    double percentile,
    int bits,
    int blockSize,
    double sparsity,
    boolean structured,
    int rank,
    double energy,
    int clusterBits,
    long seed,
    Set<String> excludedNodes,
    Path fineTune,
    Path fineTuneLabels,
    int fineTuneEpochs,
    long fineTuneSeed) {

  /** The operators int8-dynamic writes. */
  public enum Int8Kernels {
    /**
     * ONNX Runtime's fastest: its fused DynamicQuantizeMatMul (com.microsoft domain) for MatMul
     * and Gemm; Conv stays a float Conv whose weight is stored as int8 and dequantized, because
     * ONNX Runtime's ConvInteger is slower than its float Conv.
     */
    CONTRIB,
    /**
     * Standard ONNX integer operators, readable by any runtime: DynamicQuantizeLinear +
     * MatMulInteger, and ConvInteger.
     */
    STANDARD
  }

  public CompressionOptions {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(kernels, "kernels");
    Objects.requireNonNull(calibrationMethod, "calibrationMethod");
    excludedNodes = Collections.unmodifiableSortedSet(new TreeSet<>(excludedNodes));
    if (method == Method.INT8_STATIC && calibration == null) {
      throw new IllegalArgumentException("int8-static needs calibration data (a .npy file or"
          + " JSON rows of inputs)");
    }
    if (!(percentile > 50 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (50, 100] but was " + percentile);
    }
    if (bits != 4 && bits != 8) {
      throw new IllegalArgumentException("bits must be 4 or 8 but was " + bits);
    }
    if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException(
          "blockSize must be a power of two >= 16 but was " + blockSize);
    }
    if (!(sparsity >= 0 && sparsity < 1)) {
      throw new IllegalArgumentException("sparsity must be in [0, 1) but was " + sparsity);
    }
    if (rank < 0) {
      throw new IllegalArgumentException("rank must be >= 0 (0 = choose by energy) but was "
          + rank);
    }
    if (!(energy > 0 && energy <= 1)) {
      throw new IllegalArgumentException("energy must be in (0, 1] but was " + energy);
    }
    if (clusterBits < 1 || clusterBits > 8) {
      throw new IllegalArgumentException("clusterBits must be 1 to 8 but was " + clusterBits);
    }
    if (fineTuneEpochs < 1) {
      throw new IllegalArgumentException("fineTuneEpochs must be >= 1 but was " + fineTuneEpochs);
    }
    if (fineTuneLabels != null && fineTune == null) {
      throw new IllegalArgumentException("fineTuneLabels needs fineTune, the features .npy");
    }
    if (fineTune != null && method != Method.LOW_RANK && method != Method.PRUNE) {
      throw new IllegalArgumentException("fine-tuning applies to prune and low-rank, whose"
          + " results are float weights, not to " + method.cliName());
    }
  }

  /** Whether the compressed model is trained on {@link #fineTune()} rows afterwards. */
  public boolean fineTuned() {
    return fineTune != null;
  }

  public static Builder builder(Method method) {
    return new Builder(method);
  }

  /** Builder with the defaults of {@code serval compress}. */
  public static final class Builder {
    private final Method method;
    private boolean perChannel = true;
    private boolean symmetric = true;
    private Int8Kernels kernels = Int8Kernels.CONTRIB;
    private Path calibration;
    private CalibrationMethod calibrationMethod = CalibrationMethod.MINMAX;
    private double percentile = 99.99;
    private int bits = 4;
    private int blockSize = 32;
    private double sparsity = 0.5;
    private boolean structured;
    private int rank;
    private double energy = 0.9;
    private int clusterBits = 8;
    private long seed = 1;
    private Set<String> excludedNodes = Set.of();
    private Path fineTune;
    private Path fineTuneLabels;
    private int fineTuneEpochs = 10;
    private long fineTuneSeed = 1;

    private Builder(Method method) {
      this.method = method;
    }

    /** A builder holding all settings of {@code options}. */
    public static Builder from(CompressionOptions options) {
      return new Builder(options.method())
          .perChannel(options.perChannel())
          .symmetric(options.symmetric())
          .kernels(options.kernels())
          .calibration(options.calibration())
          .calibrationMethod(options.calibrationMethod())
          .percentile(options.percentile())
          .bits(options.bits())
          .blockSize(options.blockSize())
          .sparsity(options.sparsity())
          .structured(options.structured())
          .rank(options.rank())
          .energy(options.energy())
          .clusterBits(options.clusterBits())
          .seed(options.seed())
          .exclude(options.excludedNodes())
          .fineTune(options.fineTune())
          .fineTuneLabels(options.fineTuneLabels())
          .fineTuneEpochs(options.fineTuneEpochs())
          .fineTuneSeed(options.fineTuneSeed());
    }

    /** Nodes to leave alone, by name (or first output when unnamed). */
    public Builder exclude(Collection<String> nodes) {
      for (String node : nodes) {
        if (node == null || node.isBlank()) {
          throw new IllegalArgumentException("excluded node names must not be blank but got '"
              + node + "'");
        }
      }
      this.excludedNodes = Set.copyOf(nodes);
      return this;
    }

    public Builder perChannel(boolean perChannel) {
      this.perChannel = perChannel;
      return this;
    }

    public Builder symmetric(boolean symmetric) {
      this.symmetric = symmetric;
      return this;
    }

    public Builder kernels(Int8Kernels kernels) {
      this.kernels = kernels;
      return this;
    }

    public Builder calibration(Path file) {
      this.calibration = file;
      return this;
    }

    public Builder calibrationMethod(CalibrationMethod calibrationMethod) {
      this.calibrationMethod = calibrationMethod;
      return this;
    }

    public Builder percentile(double percentile) {
      this.percentile = percentile;
      return this;
    }

    public Builder bits(int bits) {
      this.bits = bits;
      return this;
    }

    public Builder blockSize(int blockSize) {
      this.blockSize = blockSize;
      return this;
    }

    public Builder sparsity(double sparsity) {
      this.sparsity = sparsity;
      return this;
    }

    public Builder structured(boolean structured) {
      this.structured = structured;
      return this;
    }

    public Builder rank(int rank) {
      this.rank = rank;
      return this;
    }

    public Builder energy(double energy) {
      this.energy = energy;
      return this;
    }

    public Builder clusterBits(int clusterBits) {
      this.clusterBits = clusterBits;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Labelled rows to train the compressed model on afterwards (null: no fine-tuning). */
    public Builder fineTune(Path file) {
      this.fineTune = file;
      return this;
    }

    /** The labels {@code .npy} when {@link #fineTune} is a features {@code .npy}. */
    public Builder fineTuneLabels(Path file) {
      this.fineTuneLabels = file;
      return this;
    }

    public Builder fineTuneEpochs(int epochs) {
      this.fineTuneEpochs = epochs;
      return this;
    }

    public Builder fineTuneSeed(long seed) {
      this.fineTuneSeed = seed;
      return this;
    }

    public CompressionOptions build() {
      return new CompressionOptions(method, perChannel, symmetric, kernels, calibration,
          calibrationMethod, percentile, bits, blockSize, sparsity, structured, rank, energy,
          clusterBits, seed, excludedNodes, fineTune, fineTuneLabels, fineTuneEpochs,
          fineTuneSeed);
    }
  }
}
