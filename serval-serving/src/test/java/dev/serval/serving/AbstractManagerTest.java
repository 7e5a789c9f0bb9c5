package dev.serval.serving;

import dev.serval.core.runtime.ModelBackend;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the manager tests: a model repository in a fresh temporary folder and the manager
 * serving it, which is closed after each test so that no worker thread outlives its test.
 */
abstract class AbstractManagerTest {
  @TempDir Path root;

  ModelManager manager;

  @AfterEach
  void closeManager() {
    if (manager != null) {
      manager.close();
    }
  }

  /** A builder of a manager serving {@link #root} through {@code backend}. */
  ModelManager.Builder managerOf(ModelBackend backend) {
    return ModelManager.builder().repository(root).backend(backend);
  }

  /** Starts the manager the test works with. */
  ModelManager start(ModelManager.Builder builder) {
    manager = builder.build().start();
    return manager;
  }

  ModelManager start(ModelBackend backend) {
    return start(managerOf(backend));
  }

  CompletableFuture<InferenceResult> infer(Requests request) {
    return manager.infer(request.build());
  }

  /** Sends {@code request} and returns once {@code model} runs it (and holds it at its gate). */
  CompletableFuture<InferenceResult> inferUntilRunning(FakeModel model, Requests request) {
    CompletableFuture<InferenceResult> result = infer(request);
    model.awaitRunStarted();
    return result;
  }
}
