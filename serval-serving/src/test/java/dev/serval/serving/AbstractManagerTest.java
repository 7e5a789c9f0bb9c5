package dev.serval.serving;

import dev.serval.core.runtime.ModelBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the manager tests: a model repository in a fresh temporary folder and the manager
 * serving it, which is closed after each test so that no worker thread outlives its test. Fake
 * models are let through first: close() waits for the runs in progress, and a failed test may
 * have left one held at its gate.
 */
abstract class AbstractManagerTest {
  @TempDir Path root;

  ModelManager manager;

  private final List<FakeBackend> fakeBackends = new ArrayList<>();

  @AfterEach
  void closeManager() {
    fakeBackends.forEach(backend -> backend.created.forEach(FakeModel::openGate));
    if (manager != null) {
      manager.close();
    }
  }

  /** A builder of a manager serving {@link #root} through {@code backend}. */
  ModelManager.Builder managerOf(ModelBackend backend) {
    if (backend instanceof FakeBackend fake) {
      fakeBackends.add(fake);
    }
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
