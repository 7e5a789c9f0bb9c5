package dev.serval.bench.internal;

import dev.serval.bench.StepTiming;
import dev.serval.registry.store.ArtifactStore;
import dev.serval.registry.store.StagedArtifact;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.registry.validation.StepResult;
import dev.serval.registry.validation.ValidationReport;
import dev.serval.runtime.onnx.OnnxBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Times the parts of a push one by one, in this process, with the registry's own classes: storing
 * the upload (stream, SHA-256, fsync) and each validation step. Their sum next to the measured push
 * shows where a push spends its time. (Serving's load of the READY version is not a part: a push
 * with {@code wait=true} answers before it.)
 */
public final class PushBreakdown {
  private PushBreakdown() {}

  /** @param scratch a folder for a throwaway artifact store */
  public static List<StepTiming> measure(Path model, Path scratch) {
    List<StepTiming> timings = new ArrayList<>();
    timings.add(store(model, scratch));
    ValidationReport report = ModelValidator.builder().backend(new OnnxBackend()).build()
        .validate(model, OnnxBackend.ARTIFACT_FILE_NAME, List.of());
    if (!report.passed()) {
      throw new IllegalStateException("the pushed model does not validate: "
          + report.failureReason().orElse(""));
    }
    for (StepResult step : report.steps()) {
      timings.add(new StepTiming("validation: " + step.step().id(), step.durationNanos()));
    }
    return timings;
  }

  private static StepTiming store(Path model, Path scratch) {
    ArtifactStore store = ArtifactStore.open(scratch, Clock.systemUTC(), Duration.ZERO);
    long start = System.nanoTime();
    try (InputStream in = Files.newInputStream(model);
        StagedArtifact staged = store.stage(in, Long.MAX_VALUE)) {
      return new StepTiming("store: stream + SHA-256 + fsync (" + staged.size() + " bytes)",
          System.nanoTime() - start);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + model + ": " + e.getMessage(), e);
    }
  }
}
