package dev.serval.jobs.internal;

import dev.serval.core.InvalidInputException;
import dev.serval.jobs.JobSpec;
import dev.serval.jobs.OutputModel;
import dev.serval.jobs.PublishedModel;
import dev.serval.registry.Lineage;
import dev.serval.registry.RegistryService;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.VersionState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Pushes the model files a succeeded job declared through the registry's validation, each with
 * lineage to the job and its parameters. A declared path must stay inside the job's work or
 * output folder also after links are followed.
 */
public final class OutputPublisher {
  private final RegistryService registry;
  private final long maxOutputBytes;
  private final Duration validationTimeout;

  public OutputPublisher(RegistryService registry, long maxOutputBytes,
      Duration validationTimeout) {
    this.registry = registry;
    this.maxOutputBytes = maxOutputBytes;
    this.validationTimeout = validationTimeout;
  }

  /**
   * @param pushed receives each version as soon as it is READY, so that a later failure still
   *     records it
   * @throws InvalidInputException saying which output is missing, too large, outside the job's
   *     folders or not a valid model
   */
  public void publish(String jobId, JobSpec spec, Path workDir, Path outputDir,
      Consumer<PublishedModel> pushed) throws IOException {
    long total = folderSize(outputDir);
    if (total > maxOutputBytes) {
      throw new InvalidInputException("the job's output folder holds " + total + " bytes, over"
          + " the limit of " + maxOutputBytes + "; write less or raise the worker's output limit");
    }
    if (spec.outputModels().isEmpty()) {
      return;
    }
    if (registry == null) {
      throw new InvalidInputException("this worker has no registry to push output models to");
    }
    List<Path> allowed = List.of(workDir.toRealPath(), outputDir.toRealPath());
    for (OutputModel output : spec.outputModels()) {
      Path file = checkedFile(output, spec.resolvedPath(output, outputDir), workDir, allowed);
      String lineageFile = spec.resolvedLineage(output, outputDir);
      Lineage lineage = lineageFile == null
          ? new Lineage(null, null, jobId, "job", SpecJson.lineage(jobId, spec))
          : LineageFile.read(checkedFile(output, lineageFile, workDir, allowed), jobId,
              SpecJson.lineage(jobId, spec));
      pushed.accept(push(jobId, spec, output.model(), file, lineage));
    }
  }

  private Path checkedFile(OutputModel output, String resolved, Path workDir, List<Path> allowed)
      throws IOException {
    Path file = workDir.resolve(resolved).normalize();
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("output model '" + output.model() + "': the job did not"
          + " write " + file);
    }
    Path real = file.toRealPath();
    if (allowed.stream().noneMatch(real::startsWith)) {
      throw new InvalidInputException("output model '" + output.model() + "': " + file
          + " leads outside the job's work and output folders (to " + real + ")");
    }
    long size = Files.size(real);
    if (size > maxOutputBytes) {
      throw new InvalidInputException("output model '" + output.model() + "' is " + size
          + " bytes, over the limit of " + maxOutputBytes);
    }
    return real;
  }

  private PublishedModel push(String jobId, JobSpec spec, String model, Path file,
      Lineage lineage) throws IOException {
    VersionMetadata metadata = new VersionMetadata("made by job " + jobId + " (" + spec.name()
        + ")", Map.of("job", jobId), lineage);
    VersionRecord pushed;
    try (InputStream in = Files.newInputStream(file)) {
      pushed = registry.push(model, in, metadata, Optional.empty());
    }
    VersionRecord done = registry.awaitValidation(model, pushed.version(), validationTimeout);
    if (done.state() != VersionState.READY) {
      throw new InvalidInputException("output model '" + model + "' (" + file.getFileName()
          + ") is not a valid model: version " + done.version() + " is " + done.state()
          + (done.reason().isEmpty() ? "" : ": " + done.reason()));
    }
    return new PublishedModel(model, done.version());
  }

  private static long folderSize(Path dir) throws IOException {
    List<Long> sizes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).forEach(f -> sizes.add(f.toFile().length()));
    }
    return sizes.stream().mapToLong(Long::longValue).sum();
  }
}
