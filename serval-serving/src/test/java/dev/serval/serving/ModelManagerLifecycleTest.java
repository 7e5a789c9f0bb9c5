package dev.serval.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serval.core.DataType;
import dev.serval.core.ModelLoadException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.ModelNotReadyException;
import dev.serval.core.Shape;
import dev.serval.core.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelManagerLifecycleTest extends AbstractManagerTest {
  @Test
  void servesEveryModelAndReportsThoseThatFailToLoad() throws Exception {
    Repos.fakeModel(root, "good", 1);
    Repos.fakeModel(root, "broken", 1);
    Repos.write(root.resolve("empty").resolve("notes").resolve("x.txt"), "");
    FakeBackend backend =
        new FakeBackend(
            artifact -> {
              if (FakeBackend.modelName(artifact).equals("broken")) {
                throw new ModelLoadException("corrupt protobuf in " + artifact);
              }
              return FakeModel.batchable();
            });

    start(backend);

    assertThat(manager.isServerReady()).isTrue();
    assertThat(manager.index(false))
        .containsExactly(
            new RepositoryEntry(
                "broken", "1", ModelState.UNAVAILABLE, "corrupt protobuf in broken/1/model.fake"),
            new RepositoryEntry(
                "empty",
                null,
                ModelState.UNAVAILABLE,
                "no version folder (named by a positive integer, e.g. empty/1) in model folder"
                    + " empty; ignored folders [notes]"),
            new RepositoryEntry("good", "1", ModelState.READY, ""));
    assertThat(manager.index(true)).extracting(RepositoryEntry::name).containsExactly("good");
    assertThat(Requests.floats(infer(Requests.to("good").rows(1, 3)).get().outputs().get(0)))
        .containsExactly(6, 8);
    assertThatThrownBy(() -> infer(Requests.to("broken").rows(1, 0)))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessageContaining("corrupt protobuf");
    assertThatThrownBy(() -> infer(Requests.to("nope").rows(1, 0)))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessage("unknown model 'nope'");
  }

  @Test
  void warmsUpEveryInstanceBeforeTheModelIsReady() throws Exception {
    Repos.fakeModel(root, "m", 1);
    Repos.config(root, "m", "{\"instance_count\": 2}");
    FakeBackend backend = new FakeBackend(artifact -> FakeModel.batchable().gated());
    manager = managerOf(backend).build();

    CompletableFuture<Void> starting = CompletableFuture.runAsync(manager::start);
    await().until(() -> backend.created.size() == 1);
    backend.created.get(0).awaitRunStarted();

    assertThat(manager.isServerReady()).isFalse();
    assertThat(manager.isModelReady("m", null)).isFalse();
    assertThat(manager.index(false))
        .containsExactly(new RepositoryEntry("m", "1", ModelState.LOADING, ""));

    backend.created.get(0).release(1);
    await().until(() -> backend.created.size() == 2);
    backend.created.get(1).release(1);
    starting.get();

    assertThat(manager.isModelReady("m", "1")).isTrue();
    assertThat(backend.created).allSatisfy(model -> assertThat(model.runRows).containsExactly(1));
  }

  @Test
  void unloadLetsQueuedRequestsFinishThenFreesTheModel() throws Exception {
    assertDrainFinishesTheRequestsInFlight(
        () -> manager.unload("m"),
        () -> manager.index(false).get(0).state() == ModelState.UNLOADING,
        "model 'm' has no ready version");

    assertThat(manager.index(false))
        .containsExactly(new RepositoryEntry("m", "1", ModelState.UNAVAILABLE, "unloaded"));
    assertThat(manager.isModelReady("m", "1")).isFalse();
    assertThat(manager.statistics("m", null)).isEmpty();
  }

  @Test
  void reloadSwitchesToTheNewVersionWithoutDroppingARequest() throws Exception {
    Repos.fakeModel(root, "m", 1);
    FakeBackend backend = FakeBackend.batchable();
    start(backend);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger succeeded = new AtomicInteger();
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      float base = c * 1000;
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; running.get() || i < 50; i++) {
                  InferenceRequest request = Requests.to("m").rows(1, base + i).build();
                  float[] y = Requests.floats(manager.infer(request).join().outputs().get(0));
                  assertThat(y).containsExactly(2 * (base + i), 2 * (base + i + 1));
                  succeeded.incrementAndGet();
                }
              },
              runnable -> new Thread(runnable).start()));
    }

    await().until(() -> succeeded.get() > 20);
    Repos.fakeModel(root, "m", 2);
    manager.load("m");
    manager.load("m");
    running.set(false);
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();

    assertThat(manager.metadata("m", null).versions()).containsExactly("2");
    assertThat(infer(Requests.to("m").rows(1, 0)).get().version()).isEqualTo("2");
    assertThat(backend.created).hasSize(3);
    assertThat(backend.created.subList(0, 2)).allSatisfy(m -> assertThat(m.closed).isTrue());
    assertThat(manager.index(false))
        .containsExactly(
            new RepositoryEntry(
                "m", "1", ModelState.UNAVAILABLE, "not selected by the version_policy"),
            new RepositoryEntry("m", "2", ModelState.READY, ""));
  }

  @Test
  void aReloadThatFailsLeavesTheServingVersionInPlace() throws Exception {
    Repos.fakeModel(root, "m", 1);
    FakeBackend backend = FakeBackend.batchable();
    start(backend);
    Repos.config(root, "m", "{\"max_batch_size\": \"many\"}");

    assertThatThrownBy(() -> manager.load("m"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith("m/config.json: 'max_batch_size' must be an integer");

    assertThat(infer(Requests.to("m").rows(1, 0)).get().version()).isEqualTo("1");
    assertThat(manager.index(false))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.state()).isEqualTo(ModelState.READY);
              assertThat(entry.reason())
                  .startsWith("reload failed: m/config.json: 'max_batch_size' must be an integer")
                  .endsWith("; the version loaded before keeps serving");
            });
  }

  @Test
  void aServingVersionWhoseReloadFailsKeepsServingAndTheIndexSaysWhy() throws Exception {
    Repos.fakeModel(root, "m", 1);
    Repos.config(root, "m", "{\"version_policy\": {\"all\": {}}}");
    AtomicBoolean versionOneBroken = new AtomicBoolean();
    FakeBackend backend = failingToLoad("1", versionOneBroken::get);
    start(backend);
    versionOneBroken.set(true);
    Repos.fakeModel(root, "m", 2);

    manager.load("m");

    assertThat(manager.index(false))
        .containsExactly(
            keptServing("1", "corrupt protobuf in m/1/model.fake"),
            new RepositoryEntry("m", "2", ModelState.READY, ""));
    assertThat(infer(Requests.to("m").version("1").rows(1, 0)).get().version()).isEqualTo("1");
    assertThat(backend.created.get(0).closed).isFalse();
  }

  @Test
  void aReloadThatLoadsNothingKeepsTheServingVersionAndReportsTheFailure() throws Exception {
    Repos.fakeModel(root, "m", 1);
    start(failingToLoad("2", () -> true));
    Repos.fakeModel(root, "m", 2);

    assertThatThrownBy(() -> manager.load("m"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("corrupt protobuf in m/2/model.fake");

    assertThat(manager.index(false))
        .containsExactly(
            keptServing("1", "corrupt protobuf in m/2/model.fake"),
            new RepositoryEntry(
                "m", "2", ModelState.UNAVAILABLE, "corrupt protobuf in m/2/model.fake"));
    assertThat(infer(Requests.to("m").rows(1, 0)).get().version()).isEqualTo("1");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theFixtureLetsAHeldRequestFinishBeforeItClosesTheManager() {
    Repos.fakeModel(root, "m", 1);
    FakeBackend backend = FakeBackend.batchable();
    start(backend);
    FakeModel model = backend.created.get(0).gated();
    CompletableFuture<InferenceResult> held = inferUntilRunning(model, Requests.to("m").rows(1, 0));

    closeManager();

    assertThat(held).isCompleted();
  }

  @Test
  void routesToTheRequestedVersionAndTheNewestByDefault() throws Exception {
    Repos.fakeModel(root, "m", 1, 2);
    Repos.config(root, "m", "{\"version_policy\": {\"all\": {}}}");
    start(FakeBackend.batchable());

    assertThat(infer(Requests.to("m").version("1").rows(1, 0)).get().version())
        .isEqualTo("1");
    assertThat(infer(Requests.to("m").rows(1, 0)).get().version()).isEqualTo("2");
    assertThatThrownBy(() -> infer(Requests.to("m").version("3").rows(1, 0)))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessage("model 'm' has no version '3'");
    assertThatThrownBy(() -> manager.isModelReady("m", "latest"))
        .isInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void aVersionLeftOutByTheVersionPolicyIsNotReady() {
    Repos.fakeModel(root, "m", 1, 2);
    start(FakeBackend.batchable());

    assertThat(manager.isModelReady("m", "1")).isFalse();
    assertThatThrownBy(() -> infer(Requests.to("m").version("1").rows(1, 0)))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessage(
            "model 'm' version 1 is not ready (UNAVAILABLE: not selected by the "
                + "version_policy)");
  }

  @Test
  void closeRefusesNewRequestsAndFinishesQueuedOnes() throws Exception {
    assertDrainFinishesTheRequestsInFlight(
        () -> manager.close(), () -> !manager.isServerReady(), "the server is shutting down");
  }

  @Test
  void loadsAModelAddedAfterStartAndRefusesUnknownOnes() throws Exception {
    start(FakeBackend.batchable());
    Repos.fakeModel(root, "late", 1);

    assertThat(manager.index(false))
        .containsExactly(new RepositoryEntry("late", null, ModelState.UNAVAILABLE, "not loaded"));
    manager.load("late");

    assertThat(manager.isModelReady("late", null)).isTrue();
    assertThatThrownBy(() -> manager.load("nope")).isInstanceOf(ModelNotFoundException.class);
    assertThatThrownBy(() -> manager.unload("nope")).isInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void metadataReportsSignatureVersionsAndPlatform() {
    Repos.fakeModel(root, "m", 3);
    start(FakeBackend.batchable());

    ModelMetadata metadata = manager.metadata("m", null);

    assertThat(metadata.name()).isEqualTo("m");
    assertThat(metadata.versions()).containsExactly("3");
    assertThat(metadata.platform()).isEqualTo("fake");
    assertThat(metadata.signature().inputs())
        .containsExactly(new TensorSpec("x", DataType.FP32, Shape.ofSignature(-1, 2)));
  }

  @Test
  void passesRuntimeSettingsFromTheConfigToTheBackend() {
    Repos.fakeModel(root, "m", 1);
    Repos.config(root, "m", "{\"runtime\": {\"intra_op_threads\": 3}}");
    FakeBackend backend = FakeBackend.batchable();
    start(backend);

    assertThat(backend.options.get(0).intraOpThreads()).isEqualTo(3);
  }

  @Test
  void rejectsAMissingRepository() {
    assertThatThrownBy(
            () ->
                ModelManager.builder()
                    .repository(root.resolve("missing"))
                    .backend(FakeBackend.batchable())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist");
  }

  /** A backend whose loads of the version folder {@code version} fail while {@code broken}. */
  private static FakeBackend failingToLoad(String version, BooleanSupplier broken) {
    return new FakeBackend(
        artifact -> {
          if (broken.getAsBoolean() && artifact.getParent().endsWith(version)) {
            throw new ModelLoadException("corrupt protobuf in " + artifact);
          }
          return FakeModel.batchable();
        });
  }

  /** The entry of a version of "m" that serves on after a reload failed for this reason. */
  private static RepositoryEntry keptServing(String version, String failure) {
    return new RepositoryEntry(
        "m",
        version,
        ModelState.READY,
        "reload failed: " + failure + "; the version loaded before keeps serving");
  }

  /**
   * Serves "m" one request per run and starts {@code drain} while the model holds one request and
   * a second waits behind it. Until both are through, new requests must be refused and the model
   * stay open; then both must be answered and the model closed.
   */
  private void assertDrainFinishesTheRequestsInFlight(
      Runnable drain, Callable<Boolean> draining, String refusal) throws Exception {
    Repos.fakeModel(root, "m", 1);
    Repos.config(root, "m", "{\"max_batch_size\": 1}");
    FakeBackend backend = FakeBackend.batchable();
    start(backend);
    FakeModel model = backend.created.get(0).gated();
    CompletableFuture<InferenceResult> running =
        inferUntilRunning(model, Requests.to("m").rows(1, 1));
    CompletableFuture<InferenceResult> queued = infer(Requests.to("m").rows(1, 5));

    CompletableFuture<Void> drained = CompletableFuture.runAsync(drain);
    await().until(draining);

    assertThatThrownBy(() -> infer(Requests.to("m").rows(1, 0)))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessageContaining(refusal);
    assertThat(model.closed).isFalse();

    model.release(2);
    drained.get();

    assertThat(Requests.floats(running.get().outputs().get(0))).containsExactly(2, 4);
    assertThat(Requests.floats(queued.get().outputs().get(0))).containsExactly(10, 12);
    assertThat(model.closed).isTrue();
  }
}
