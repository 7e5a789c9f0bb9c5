package dev.serval.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A deployment's shadow version: it sees copies of default traffic and never affects it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShadowTrafficTest extends AbstractManagerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeBackend backend = FakeBackend.batchable();
  private FakeModel shadow;

  @BeforeEach
  void twoVersions() {
    Repos.fakeModel(root, "m", 1, 2);
  }

  @Test
  void theShadowGetsACopyOfEveryDefaultRequestAndItsAnswersAreDiscarded() throws Exception {
    deployWithShadow();

    for (int i = 0; i < 10; i++) {
      InferenceResult result = infer(Requests.to("m").rows(1, i)).get();
      assertThat(result.version()).isEqualTo("2");
      assertThat(Requests.floats(result.outputs().get(0))).containsExactly(2 * i, 2 * i + 2);
    }

    await().until(() -> shadowCount("success") == 10);
    assertThat(shadow.servedBatches().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    assertThat(shadowCount("error") + shadowCount("dropped")).isZero();
  }

  @Test
  void aFailingShadowNeverFailsThePrimary() throws Exception {
    deployWithShadow();
    shadow.failure = new IllegalStateException("shadow broke");

    for (int i = 0; i < 5; i++) {
      assertThat(infer(Requests.to("m").rows(1, i)).get().version()).isEqualTo("2");
    }

    await().until(() -> shadowCount("error") == 5);
    assertThat(shadowCount("success")).isZero();
  }

  @Test
  void aFullShadowQueueDropsTheCopyButNotThePrimary() throws Exception {
    Repos.config(
        root, "m", "{\"max_batch_size\": 1, \"dynamic_batching\": {\"max_queue_size\": 1}}");
    deployWithShadow();
    shadow.gated();

    assertThat(infer(Requests.to("m").rows(1, 0)).get().version()).isEqualTo("2");
    shadow.awaitRunStarted(); // the first copy is held at the gate, the next one fills the queue
    for (int i = 1; i < 4; i++) {
      assertThat(infer(Requests.to("m").rows(1, i)).get().version()).isEqualTo("2");
    }

    assertThat(shadowCount("dropped")).isEqualTo(2);
    shadow.openGate();
    await().until(() -> shadowCount("success") == 2);
  }

  /** Serves version 2 with version 1 as its shadow; {@link #shadow} is version 1's model. */
  private void deployWithShadow() {
    start(managerOf(backend).meterRegistry(registry));
    manager.deploy("m", Deployment.single(2).withShadow(1));
    shadow = backend.created.get(1);
  }

  private double shadowCount(String outcome) {
    return registry
        .get("serval.shadow.requests")
        .tags("model", "m", "version", "1", "outcome", outcome)
        .counter()
        .count();
  }
}
