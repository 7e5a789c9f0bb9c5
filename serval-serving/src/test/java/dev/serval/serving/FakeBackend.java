package dev.serval.serving;

import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.core.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Loads {@code model.fake} files through a factory chosen by the test; remembers what it made.
 * Public for the tests of the internal package.
 */
public final class FakeBackend implements ModelBackend {
  final List<FakeModel> created = new CopyOnWriteArrayList<>();
  final List<RuntimeOptions> options = new CopyOnWriteArrayList<>();
  private final Function<Path, FakeModel> factory;

  /**
   * @param factory makes the model for an artifact path; may throw to simulate a bad file
   */
  FakeBackend(Function<Path, FakeModel> factory) {
    this.factory = factory;
  }

  /** Makes a fresh {@link FakeModel#batchable()} model for every artifact. */
  static FakeBackend batchable() {
    return new FakeBackend(artifact -> FakeModel.batchable());
  }

  /** For tests that only scan a repository: it finds {@code model.fake} artifacts, loads none. */
  public static ModelBackend scanOnly() {
    return new FakeBackend(
        artifact -> {
          throw new UnsupportedOperationException("this backend only scans, it loads nothing");
        });
  }

  @Override
  public String platform() {
    return "fake";
  }

  @Override
  public String artifactFileName() {
    return "model.fake";
  }

  @Override
  public LoadedModel load(Path artifact, RuntimeOptions runtimeOptions) {
    FakeModel model = factory.apply(artifact);
    created.add(model);
    options.add(runtimeOptions);
    return model;
  }

  /** The model folder name of an artifact path {@code DIR/<model>/<version>/model.fake}. */
  static String modelName(Path artifact) {
    return artifact.getParent().getParent().getFileName().toString();
  }
}
