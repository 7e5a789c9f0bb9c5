package dev.serval.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelLoadException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deployments: weighted default traffic, standby versions, swaps, failures and exclusions. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelManagerDeploymentTest extends AbstractManagerTest {
  @Test
  void deploySplitsDefaultTrafficByWeightAndEachResultNamesTheVersionThatAnswered()
      throws Exception {
    mlpVersions(3, 4);
    start(managerOf(new OnnxBackend()).random(new SplittableRandom(42)::nextDouble));
    Deployment canary = Deployment.weighted(Map.of(3L, 90, 4L, 10));

    manager.deploy("m", canary);
    List<Tensor> inputs = new ArrayList<>();
    List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      inputs.add(Requests.fp32("input", Shape.of(1, 2), i, -i));
      results.add(manager.infer(request(inputs.get(i), null)));
    }

    Map<String, Integer> counts = new ConcurrentHashMap<>();
    try (LoadedModel v3 = reference(3);
        LoadedModel v4 = reference(4)) {
      for (int i = 0; i < results.size(); i++) {
        InferenceResult result = results.get(i).get();
        assertThat(result.version()).isIn("3", "4");
        LoadedModel answered = result.version().equals("3") ? v3 : v4;
        assertLogits(result, answered.run(List.of(inputs.get(i)), Set.of()));
        counts.merge(result.version(), 1, Integer::sum);
      }
    }
    assertThat(counts.get("3")).isCloseTo(1800, within(60));
    assertThat(counts.get("4")).isCloseTo(200, within(60));
    assertThat(manager.deployment("m")).contains(canary);
    assertThat(manager.metadata("m", null).versions()).containsExactly("3", "4");
    assertThat(manager.infer(request(inputs.get(0), "4")).get().version()).isEqualTo("4");
  }

  @Test
  void swapUnderLoadFailsNoRequest() throws Exception {
    mlpVersions(1, 2);
    start(new OnnxBackend());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger succeeded = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Set<String> versions = ConcurrentHashMap.newKeySet();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      Thread client =
          new Thread(
              () -> {
                InferenceRequest request =
                    request(Requests.fp32("input", Shape.of(1, 2), 1, 2), null);
                while (running.get()) {
                  try {
                    versions.add(manager.infer(request).join().version());
                    succeeded.incrementAndGet();
                  } catch (RuntimeException e) {
                    failures.add(e);
                  }
                }
              });
      client.start();
      clients.add(client);
    }

    List<Deployment> steps =
        List.of(
            Deployment.single(1),
            Deployment.single(2),
            Deployment.weighted(Map.of(1L, 50, 2L, 50)));
    for (int round = 0; round < 4; round++) {
      for (Deployment step : steps) {
        int before = succeeded.get();
        manager.deploy("m", step);
        await().until(() -> succeeded.get() > before + 50);
      }
    }
    manager.deploy("m", Deployment.single(1));
    running.set(false);
    for (Thread client : clients) {
      client.join();
    }

    assertThat(failures).isEmpty();
    assertThat(versions).containsExactlyInAnyOrder("1", "2");
    assertThat(manager.metadata("m", null).versions()).containsExactly("1");
  }

  @Test
  void deployKeepsLoadedVersionsAndFreesTheOnesItLeavesOut() throws Exception {
    Repos.fakeModel(root, "m", 1, 2, 3);
    FakeBackend backend = FakeBackend.batchable();
    start(backend);
    FakeModel three = backend.created.get(0);

    manager.deploy("m", Deployment.weighted(Map.of(2L, 1, 3L, 1)));
    manager.deploy("m", Deployment.single(2));

    assertThat(backend.created).hasSize(2);
    assertThat(three.closed).isTrue();
    assertThat(backend.created.get(1).closed).isFalse();
    assertThat(manager.index(false))
        .containsExactly(
            new RepositoryEntry("m", "1", ModelState.UNAVAILABLE, "not in the deployment"),
            new RepositoryEntry("m", "2", ModelState.READY, ""),
            new RepositoryEntry("m", "3", ModelState.UNAVAILABLE, "not in the deployment"));
  }

  @Test
  void standbyVersionsAnswerByNumberButGetNoDefaultTraffic() throws Exception {
    Repos.fakeModel(root, "m", 1, 2);
    start(FakeBackend.batchable());

    manager.deploy("m", Deployment.single(2).withStandby(Set.of(1L)));

    for (int i = 0; i < 20; i++) {
      assertThat(infer(Requests.to("m").rows(1, i)).get().version()).isEqualTo("2");
    }
    assertThat(infer(Requests.to("m").version("1").rows(1, 0)).get().version()).isEqualTo("1");
    assertThat(manager.metadata("m", null).versions()).containsExactly("1", "2");
    assertThat(manager.isModelReady("m", "1")).isTrue();
  }

  @Test
  void aReloadReloadsTheDeployedVersionsAndClearDeploymentReturnsToThePolicy() throws Exception {
    Repos.fakeModel(root, "m", 1, 2, 3);
    FakeBackend backend = FakeBackend.batchable();
    start(backend);
    manager.deploy("m", Deployment.weighted(Map.of(1L, 1, 2L, 1)));

    manager.load("m");

    assertThat(backend.created).hasSize(5); // 3 at start, 1 and 2 deployed, 1 and 2 reloaded
    assertThat(manager.metadata("m", null).versions()).containsExactly("1", "2");
    assertThat(manager.deployment("m")).isPresent();

    manager.clearDeployment("m");

    assertThat(manager.deployment("m")).isEmpty();
    assertThat(manager.metadata("m", null).versions()).containsExactly("3");
    assertThat(infer(Requests.to("m").rows(1, 0)).get().version()).isEqualTo("3");
    assertThat(manager.index(false))
        .extracting(RepositoryEntry::reason)
        .containsExactly(
            "not selected by the version_policy", "not selected by the version_policy", "");
  }

  @Test
  void aVersionThatFailsToLoadLeavesRoutingAsItWas() throws Exception {
    SampleModels.write(SampleModels.mlp(2, new int[] {8}, 2, 1), root.resolve("m/1/model.onnx"));
    Repos.write(root.resolve("m/2/model.onnx"), "not an onnx file");
    Repos.config(root, "m", "{\"version_policy\": {\"specific\": {\"versions\": [1]}}}");
    start(new OnnxBackend());

    assertThatThrownBy(() -> manager.deploy("m", Deployment.weighted(Map.of(1L, 1, 2L, 1))))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith(
            "model 'm' version 2 failed to load, so the deployment was not applied and the model"
                + " serves as before: cannot load ONNX model m/2/model.onnx: ");

    assertThat(manager.deployment("m")).isEmpty();
    assertThat(manager.metadata("m", null).versions()).containsExactly("1");
    Tensor input = Requests.fp32("input", Shape.of(1, 2), 1, 2);
    assertThat(manager.infer(request(input, null)).get().version()).isEqualTo("1");
    assertThat(manager.index(false).get(0))
        .isEqualTo(new RepositoryEntry("m", "1", ModelState.READY, ""));
    assertThat(manager.index(false).get(1).reason()).startsWith("cannot load ONNX model m/2/");
  }

  @Test
  void deployingAnUnknownModelOrAVersionWithoutFolderIsNotFound() {
    Repos.fakeModel(root, "m", 1);
    start(FakeBackend.batchable());

    assertThatThrownBy(() -> manager.deploy("nope", Deployment.single(1)))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessage("model 'nope' is not in the model repository");
    assertThatThrownBy(() -> manager.deploy("m", Deployment.weighted(Map.of(1L, 1, 7L, 1))))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessage("model 'm' has no version 7 in the model repository (no folder m/7)");
    assertThat(manager.metadata("m", null).versions()).containsExactly("1");
  }

  @Test
  void deployingAnExcludedVersionIsInvalidInput() {
    Repos.fakeModel(root, "m", 1, 2);
    start(FakeBackend.batchable());
    manager.exclude("m", 1, "validation failed: accuracy 0.41 below 0.90");

    assertThatThrownBy(() -> manager.deploy("m", Deployment.single(2).withShadow(1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "model 'm' version 1 is excluded (validation failed: accuracy 0.41 below 0.90);"
                + " readmit it before deploying it");
    assertThatThrownBy(() -> manager.deploy("m", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("deployment of model 'm' must not be null");

    manager.readmit("m", 1);
    manager.deploy("m", Deployment.single(2).withShadow(1));
    assertThat(manager.metadata("m", null).versions()).containsExactly("1", "2");
  }

  @Test
  void anExcludedVersionIsSkippedByTheLatestPolicyFromStartOn() throws Exception {
    Repos.fakeModel(root, "m", 1, 2, 3);
    manager = managerOf(FakeBackend.batchable()).build();
    manager.exclude("m", 3, "signature check failed");

    manager.start();

    assertThat(infer(Requests.to("m").rows(1, 0)).get().version()).isEqualTo("2");
    assertThat(manager.index(false).get(2))
        .isEqualTo(
            new RepositoryEntry(
                "m", "3", ModelState.UNAVAILABLE, "excluded: signature check failed"));

    manager.exclude("m", 2, "smoke test failed");
    manager.load("m");
    assertThat(manager.metadata("m", null).versions()).containsExactly("1");

    manager.readmit("m", 3);
    manager.load("m");
    assertThat(manager.metadata("m", null).versions()).containsExactly("3");
    assertThat(manager.index(false).get(1).reason()).isEqualTo("excluded: smoke test failed");
  }

  @Test
  void excludeRejectsABlankModelOrReasonAndANegativeVersion() {
    manager = managerOf(FakeBackend.batchable()).build();

    assertThatThrownBy(() -> manager.exclude(" ", 1, "bad"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("model must not be blank but was ' '");
    assertThatThrownBy(() -> manager.exclude("m", -1, "bad"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("version must be non-negative but was -1");
    assertThatThrownBy(() -> manager.exclude("m", 1, ""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("reason must not be blank but was ''");
  }

  @Test
  void aDeploymentOfAModelNotYetLoadedLoadsIt() throws Exception {
    start(FakeBackend.batchable());
    Repos.fakeModel(root, "late", 1, 2);

    assertThat(manager.deployment("late")).isEqualTo(Optional.empty());
    manager.deploy("late", Deployment.single(1));

    assertThat(infer(Requests.to("late").rows(1, 0)).get().version()).isEqualTo("1");
    assertThatThrownBy(() -> manager.deployment("nope")).isInstanceOf(ModelNotFoundException.class);
  }

  private void mlpVersions(long... versions) {
    for (long v : versions) {
      SampleModels.write(SampleModels.mlp(2, new int[] {8}, 2, v), artifact(v));
    }
  }

  private Path artifact(long version) {
    return root.resolve("m").resolve(Long.toString(version)).resolve("model.onnx");
  }

  private LoadedModel reference(long version) {
    return new OnnxBackend().load(artifact(version), RuntimeOptions.defaults());
  }

  private static InferenceRequest request(Tensor input, String version) {
    return new InferenceRequest("m", version, null, List.of(input), Set.of(), Map.of(), null);
  }

  private static void assertLogits(InferenceResult result, List<Tensor> expected) {
    float[] actual = Requests.floats(result.outputs().get(0));
    float[] wanted = Requests.floats(expected.get(0));
    assertThat(actual).hasSameSizeAs(wanted);
    for (int i = 0; i < wanted.length; i++) {
      assertThat(actual[i]).as("version %s", result.version()).isCloseTo(wanted[i], within(1e-5f));
    }
  }
}
