package dev.serval.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InsufficientMemoryException;
import dev.serval.core.Shape;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memory budget: estimates of ONNX models, refused loads, and the gauge. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemoryBudgetTest extends AbstractManagerTest {
  /** The per-instance session overhead the estimate adds to the artifact size. */
  private static final long SESSION = 128 * 1024;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void refusesASwapWhosePeakExceedsTheBudgetAndKeepsServing() throws Exception {
    long one = mlp("m", 1);
    long two = mlp("m", 2);
    long budget = one + two - 1;
    start(managerOf(new OnnxBackend()).meterRegistry(registry).memoryBudgetBytes(budget));

    assertThatThrownBy(() -> manager.deploy("m", Deployment.single(1)))
        .isInstanceOf(InsufficientMemoryException.class)
        .hasMessage(
            "cannot load model 'm' version 1: estimated %d bytes, with %d bytes already loaded,"
                + " exceed the memory budget of %d bytes during the swap: the %d bytes of the"
                + " versions it replaces count until they are drained; unload a model or raise"
                + " --memory-budget",
            one, two, budget, two);

    assertThat(estimatedBytes()).isEqualTo(two);
    assertThat(manager.infer(request("m")).get().version()).isEqualTo("2");
    assertThat(manager.deployment("m")).isEmpty();
    manager.unload("m");
    assertThat(estimatedBytes()).isZero();
    manager.deploy("m", Deployment.single(1));
    assertThat(estimatedBytes()).isEqualTo(one);
  }

  @Test
  void aModelOverTheBudgetAtStartIsReportedAndTheOthersServe() throws Exception {
    long small = mlp("a", 1);
    mlp("b", 1);
    Repos.config(root, "b", "{\"instance_count\": 2}");
    start(managerOf(new OnnxBackend()).meterRegistry(registry).memoryBudgetBytes(small * 2));

    assertThat(manager.infer(request("a")).get().version()).isEqualTo("1");
    assertThat(estimatedBytes()).isEqualTo(small);
    RepositoryEntry refused = manager.index(false).get(1);
    assertThat(refused.name()).isEqualTo("b");
    assertThat(refused.state()).isEqualTo(ModelState.UNAVAILABLE);
    assertThat(refused.reason())
        .isEqualTo(
            "cannot load model 'b' version 1: estimated %d bytes, with %d bytes already loaded,"
                + " exceed the memory budget of %d bytes; unload a model or raise"
                + " --memory-budget",
            small * 2, small, small * 2);
  }

  @Test
  void aWeightedDeploymentChargesEveryVersionItLoads() throws Exception {
    long one = mlp("m", 1);
    long two = mlp("m", 2);
    start(managerOf(new OnnxBackend()).meterRegistry(registry));

    manager.deploy("m", Deployment.weighted(Map.of(1L, 1, 2L, 1)));

    assertThat(estimatedBytes()).isEqualTo(one + two);
    manager.close();
    assertThat(estimatedBytes()).isZero();
  }

  @Test
  void rejectsANonPositiveBudget() {
    assertThatThrownBy(() -> ModelManager.builder().memoryBudgetBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memoryBudgetBytes must be > 0 but was 0");
  }

  /** Writes an MLP as {@code model}'s {@code version}; returns its estimate for one instance. */
  private long mlp(String model, long version) throws IOException {
    Path artifact = root.resolve(model).resolve(Long.toString(version)).resolve("model.onnx");
    SampleModels.write(SampleModels.mlp(64, new int[] {256}, 10, version), artifact);
    return 2 * Files.size(artifact) + SESSION;
  }

  private double estimatedBytes() {
    return registry.get("serval.memory.estimated").gauge().value();
  }

  private static InferenceRequest request(String model) {
    return new InferenceRequest(
        model,
        null,
        null,
        List.of(Requests.fp32("input", Shape.of(1, 64), new float[64])),
        Set.of(),
        Map.of(),
        null);
  }
}
