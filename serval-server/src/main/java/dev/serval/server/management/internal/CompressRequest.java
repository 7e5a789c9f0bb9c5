package dev.serval.server.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serval.compress.AccuracyGate;
import dev.serval.compress.CalibrationMethod;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.CompressionOptions.Int8Kernels;
import dev.serval.compress.Method;
import dev.serval.compress.Metric;
import dev.serval.core.InvalidInputException;
import dev.serval.train.data.Dataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The body of {@code POST /api/v1/models/{model}/versions/{version}/compress}: the options of
 * {@code serval compress} in snake case (unset ones take the command's defaults), labelled
 * evaluation rows for the accuracy gate, labelled rows to fine-tune on, and calibration rows for
 * int8-static.
 */
public record CompressRequest(
    String method,
    Boolean perTensor,
    Boolean asymmetric,
    String kernels,
    JsonNode calibration,
    String calibrationMethod,
    Double percentile,
    Integer bits,
    Integer blockSize,
    Double sparsity,
    Boolean structured,
    Integer rank,
    Double energy,
    Integer clusterBits,
    Long seed,
    List<String> exclude,
    EvalRows fineTune,
    Integer fineTuneEpochs,
    Long fineTuneSeed,
    EvalRows eval,
    String metric,
    Double maxAccuracyDrop,
    String prefer,
    Boolean allowSlower,
    Double benchSeconds,
    Integer threads,
    String description,
    Integer timeoutSeconds) implements ManagementJson.RequestBody {

  /** Labelled rows: {@code features[i]} is row i, {@code labels[i]} its class. */
  public record EvalRows(List<float[]> features, int[] labels) {
    Dataset dataset() {
      if (features == null || labels == null || features.isEmpty()
          || features.size() != labels.length) {
        throw new InvalidInputException("labelled rows need 'features' (rows) and as many"
            + " 'labels'");
      }
      int width = features.get(0).length;
      float[] values = new float[features.size() * width];
      for (int r = 0; r < features.size(); r++) {
        if (features.get(r).length != width) {
          throw new InvalidInputException("labelled row " + r + " has " + features.get(r).length
              + " features but row 0 has " + width);
        }
        System.arraycopy(features.get(r), 0, values, r * width, width);
      }
      try {
        return Dataset.classification(values, width, labels);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("labelled rows: " + e.getMessage());
      }
    }
  }

  @Override
  public Optional<String> missingField() {
    return method == null ? Optional.of("method") : Optional.empty();
  }

  /**
   * The compression options; {@code calibrationFile} holds the calibration rows and
   * {@code fineTuneFile} the rows to fine-tune on ({@link #fineTuneRows}), if any.
   */
  public CompressionOptions options(Path calibrationFile, Path fineTuneFile) {
    try {
      CompressionOptions.Builder b = CompressionOptions.builder(Method.fromName(method));
      set(perTensor, v -> b.perChannel(!v));
      set(asymmetric, v -> b.symmetric(!v));
      set(kernels, v -> b.kernels(Int8Kernels.valueOf(v.toUpperCase(Locale.ROOT))));
      set(calibration == null ? null : calibrationFile, b::calibration);
      set(calibrationMethod, v -> b.calibrationMethod(CalibrationMethod.fromName(v)));
      set(percentile, b::percentile);
      set(bits, b::bits);
      set(blockSize, b::blockSize);
      set(sparsity, b::sparsity);
      set(structured, b::structured);
      set(rank, b::rank);
      set(energy, b::energy);
      set(clusterBits, b::clusterBits);
      set(seed, b::seed);
      set(exclude, b::exclude);
      set(fineTune == null ? null : fineTuneFile, b::fineTune);
      set(fineTuneEpochs, b::fineTuneEpochs);
      set(fineTuneSeed, b::fineTuneSeed);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }

  /**
   * The rows to fine-tune on as JSON rows {@code [{"features": [...], "label": 3}, ...]}, the
   * form {@link dev.serval.compress.EvaluationData} reads; empty when none came along.
   */
  public Optional<List<Map<String, Object>>> fineTuneRows() {
    if (fineTune == null) {
      return Optional.empty();
    }
    Dataset data = fineTune.dataset();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int r = 0; r < data.rows(); r++) {
      rows.add(Map.of("features", fineTune.features().get(r), "label", data.label(r)));
    }
    return Optional.of(rows);
  }

  /** The accuracy gate, when evaluation rows came with the request. */
  public Optional<AccuracyGate> gate() {
    if (eval == null) {
      if (maxAccuracyDrop != null) {
        throw new InvalidInputException("max_accuracy_drop needs labelled 'eval' rows");
      }
      return Optional.empty();
    }
    try {
      Metric scored = metric == null ? Metric.TOP1 : Metric.fromName(metric);
      AccuracyGate gate = maxAccuracyDrop == null ? AccuracyGate.report(eval.dataset(), scored)
          : AccuracyGate.within(eval.dataset(), scored, maxAccuracyDrop);
      if (prefer != null) {
        gate = gate.prefer(AccuracyGate.Objective.valueOf(prefer.toUpperCase(Locale.ROOT)));
      }
      return Optional.of(allowSlower == null ? gate : gate.allowingSlower(allowSlower));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
