package dev.serval.bench.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.Signature;
import dev.serval.core.TensorSpec;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionState;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fills a registry for the list/get benchmark straight through {@link ModelRegistry}: one model
 * with many versions and many models with one version each, every version READY with its real
 * signature. The artifact is validated once rather than once per version, which would take
 * hours and measure nothing the benchmark is about.
 */
public final class RegistrySeeder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ModelRegistry registry;
  private final byte[] artifact;
  private final String signatureJson;

  private RegistrySeeder(ModelRegistry registry, byte[] artifact, String signatureJson) {
    this.registry = registry;
    this.artifact = artifact;
    this.signatureJson = signatureJson;
  }

  /** Name of the {@code i}-th of the models with one version; in name order. */
  public static String otherModelName(int i) {
    return String.format(Locale.ROOT, "model-%05d", i);
  }

  /**
   * Seeds {@code versions} versions of {@code model} and {@code otherModels} further models into
   * the registry in {@code dataDir}, pushing from {@code threads} threads; the registry is closed
   * afterwards, so a server can open it.
   *
   * @param artifact a valid model file, stored once and shared by every version
   */
  public static void seed(Path dataDir, byte[] artifact, String model, int versions,
      int otherModels, int threads) {
    Checks.positive("versions", versions);
    Checks.positive("threads", threads);
    if (otherModels < 0) {
      throw new IllegalArgumentException("otherModels must be >= 0 but was " + otherModels);
    }
    String signature = signatureJson(artifact);
    try (ModelRegistry registry = ModelRegistry.builder().dataDir(dataDir).build()) {
      RegistrySeeder seeder = new RegistrySeeder(registry, artifact, signature);
      registry.createModel(model, "the model with many versions");
      List<Runnable> work = new ArrayList<>();
      for (int v = 0; v < versions; v++) {
        work.add(() -> seeder.addReadyVersion(model));
      }
      for (int i = 0; i < otherModels; i++) {
        String name = otherModelName(i);
        work.add(() -> {
          registry.createModel(name, "");
          seeder.addReadyVersion(name);
        });
      }
      runAll(work, threads);
    }
  }

  private void addReadyVersion(String model) {
    int version = registry.pushVersion(model, new ByteArrayInputStream(artifact),
        VersionMetadata.EMPTY).version();
    registry.setState(model, version, VersionState.VALIDATING, "");
    registry.setSignature(model, version, signatureJson);
    registry.setState(model, version, VersionState.READY, "");
  }

  private static void runAll(List<Runnable> work, int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      work.forEach(task -> done.add(pool.submit(task)));
      for (Future<?> future : done) {
        future.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("seeding the registry failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while seeding the registry", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The signature validation finds, in the shape the registry stores (OIP model metadata). */
  private static String signatureJson(byte[] artifact) {
    try {
      Path file = Files.createTempFile("serval-seed", ".onnx");
      try {
        Files.write(file, artifact);
        Signature signature = ModelValidator.builder().backend(new OnnxBackend()).build()
            .validate(file, OnnxBackend.ARTIFACT_FILE_NAME, List.of()).signature()
            .orElseThrow(() -> new IllegalArgumentException("the seed artifact does not load"));
        return JSON.writeValueAsString(new SignatureJson(tensors(signature.inputs()),
            tensors(signature.outputs())));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the seed artifact: " + e.getMessage(), e);
    }
  }

  private static List<TensorJson> tensors(List<TensorSpec> specs) {
    return specs.stream().map(s -> new TensorJson(s.name(), s.datatype().name(),
        s.shape().dims())).toList();
  }

  private record SignatureJson(List<TensorJson> inputs, List<TensorJson> outputs) {}

  private record TensorJson(String name, String datatype, long[] shape) {}
}
