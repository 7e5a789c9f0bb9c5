package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serval.registry.DeploymentSpec;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionState;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.serving.Deployment;
import dev.serval.serving.ModelManager;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving follows the registry: newest READY, aliases on standby, deployments, deletes. */
class RegistrySyncTest {
  private static final Duration SOON = Duration.ofSeconds(10);

  @TempDir Path dir;
  private ModelRegistry registry;
  private ModelManager models;
  private RegistrySync sync;
  private Path repository;

  @BeforeEach
  void start() throws Exception {
    repository = Files.createDirectories(dir.resolve("models"));
    registry = ModelRegistry.builder().dataDir(dir.resolve("data")).build();
    models = ModelManager.builder().repository(repository).backend(new OnnxBackend()).build();
    sync = new RegistrySync(registry, new VersionPlacement(registry, repository), models);
    registry.createModel("iris", "");
    ready(1);
    ready(2);
    sync.placeReady();
    models.start();
    sync.start(Duration.ofHours(1)); // events only: the periodic pass must not hide a miss
  }

  @AfterEach
  void stop() {
    sync.close();
    models.close();
    registry.close();
  }

  @Test
  void servesTheNewestReadyVersionAndLoadsAliasTargetsOnStandby() {
    assertThat(models.deployment("iris")).contains(Deployment.single(2));

    registry.setAlias("iris", "production", 1);

    await().atMost(SOON).untilAsserted(() -> assertThat(models.deployment("iris"))
        .contains(Deployment.single(2).withStandby(Set.of(1L))));
    assertThat(models.isModelReady("iris", "1")).isTrue();
  }

  @Test
  void aVersionThatBecomesReadyGoesLive() {
    ready(3);

    await().atMost(SOON).untilAsserted(() ->
        assertThat(models.deployment("iris")).contains(Deployment.single(3)));
    assertThat(repository.resolve("iris/3/model.onnx")).exists();
  }

  @Test
  void followsDeploymentsAndRollbacks() {
    registry.deploy("iris", new DeploymentSpec(Map.of(1, 90, 2, 10), null));
    await().atMost(SOON).untilAsserted(() -> assertThat(models.deployment("iris"))
        .contains(Deployment.weighted(Map.of(1L, 90, 2L, 10))));

    registry.promote("iris", 1);
    await().atMost(SOON).untilAsserted(() -> assertThat(models.deployment("iris"))
        .contains(Deployment.weighted(Map.of(1L, 100)).withStandby(Set.of(1L))));

    registry.rollback("iris");
    await().atMost(SOON).untilAsserted(() -> assertThat(models.deployment("iris"))
        .contains(Deployment.weighted(Map.of(1L, 90, 2L, 10))));
  }

  @Test
  void deletedVersionsAndModelsLeaveServingAndTheRepository() {
    registry.deleteVersion("iris", 2);
    await().atMost(SOON).untilAsserted(() -> {
      assertThat(models.deployment("iris")).contains(Deployment.single(1));
      assertThat(repository.resolve("iris/2")).doesNotExist();
    });

    registry.deleteModel("iris");
    await().atMost(SOON).untilAsserted(() -> {
      assertThat(models.isServerReady()).isTrue();
      assertThat(repository.resolve("iris")).doesNotExist();
      assertThat(models.index(true)).isEmpty();
    });
  }

  @Test
  void applyServesTheRegistrysDeploymentBeforeItReturns() {
    registry.deploy("iris", new DeploymentSpec(Map.of(1, 100), null));
    sync.apply("iris", SOON);
    assertThat(models.deployment("iris"))
        .isEqualTo(Optional.of(Deployment.weighted(Map.of(1L, 100))));
  }

  private void ready(int expected) {
    byte[] model = SampleModels.mlp(4, new int[] {8}, 3, expected);
    int version = registry.pushVersion("iris", new ByteArrayInputStream(model),
        VersionMetadata.EMPTY).version();
    assertThat(version).isEqualTo(expected);
    registry.setState("iris", version, VersionState.VALIDATING, "");
    registry.setState("iris", version, VersionState.READY, "");
  }
}
