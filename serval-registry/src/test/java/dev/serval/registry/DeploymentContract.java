package dev.serval.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelNotFoundException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployment history behaviour every metadata database must show. */
abstract class DeploymentContract extends RegistryFixture {
  private static final DeploymentSpec CANARY = new DeploymentSpec(Map.of(1, 90, 2, 10), 3);

  /** Model "m" with versions 1..{@code ready} READY and one more left PENDING. */
  private ModelRegistry openWithVersions(int ready) {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    for (int v = 1; v <= ready + 1; v++) {
      push(registry, "m", "content " + v);
    }
    for (int v = 1; v <= ready; v++) {
      makeReady(registry, "m", v);
    }
    return registry;
  }

  @Test
  void eachDeployIsANewRevisionAndTheNewestIsCurrent() {
    ModelRegistry registry = openWithVersions(3);

    DeploymentRecord first = registry.deploy("m", CANARY);
    DeploymentRecord second = registry.deploy("m", DeploymentSpec.single(2));

    assertThat(first).isEqualTo(new DeploymentRecord("m", 1, CANARY, NOW, "deploy"));
    assertThat(second.revision()).isEqualTo(2);
    assertThat(registry.deployment("m")).contains(second);
    assertThat(registry.deploymentHistory("m", 10)).containsExactly(second, first);
    assertThat(registry.deploymentHistory("m", 1)).containsExactly(second);
  }

  @Test
  void deployRefusesMissingAndUnreadyVersionsNamingThem() {
    ModelRegistry registry = openWithVersions(1);

    assertThatThrownBy(() -> registry.deploy("m", new DeploymentSpec(Map.of(1, 1), 2)))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("version 2 of model 'm' is PENDING");
    assertThatThrownBy(() -> registry.deploy("m", new DeploymentSpec(Map.of(1, 1, 9, 1), null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("version 9 of model 'm', which does not exist");
    assertThat(registry.deployment("m")).isEmpty();
    assertThat(registry.deploymentHistory("m", 10)).isEmpty();
  }

  @Test
  void unknownModelsAndBadLimitsAreRefused() {
    ModelRegistry registry = openWithVersions(1);

    assertThatThrownBy(() -> registry.deploy("nope", DeploymentSpec.single(1)))
        .isInstanceOf(ModelNotFoundException.class);
    assertThatThrownBy(() -> registry.deployment("nope"))
        .isInstanceOf(ModelNotFoundException.class);
    assertThatThrownBy(() -> registry.deploymentHistory("m", 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit must be 1-1000: 0");
  }

  @Test
  void rollbackRestoresTheRevisionBeforeTheCurrentOneAndTwiceReturns() {
    ModelRegistry registry = openWithVersions(2);
    registry.deploy("m", DeploymentSpec.single(1));
    registry.deploy("m", DeploymentSpec.single(2));

    DeploymentRecord back = registry.rollback("m");
    DeploymentRecord forth = registry.rollback("m");

    assertThat(back).isEqualTo(
        new DeploymentRecord("m", 3, DeploymentSpec.single(1), NOW, "rollback to revision 1"));
    assertThat(forth.spec()).isEqualTo(DeploymentSpec.single(2));
    assertThat(forth.note()).isEqualTo("rollback to revision 2");
    assertThat(registry.deployment("m")).contains(forth);
  }

  @Test
  void rollbackRefusesWhenThereIsNoEarlierRevision() {
    ModelRegistry registry = openWithVersions(1);

    assertThatThrownBy(() -> registry.rollback("m"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("no deployment revision before the first");
    registry.deploy("m", DeploymentSpec.single(1));
    assertThatThrownBy(() -> registry.rollback("m"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("before revision 1");
  }

  @Test
  void rollbackRefusesWhenTheEarlierRevisionsVersionIsGone() {
    ModelRegistry registry = openWithVersions(2);
    registry.deploy("m", DeploymentSpec.single(1));
    registry.deploy("m", DeploymentSpec.single(2));
    registry.deleteVersion("m", 1);

    assertThatThrownBy(() -> registry.rollback("m"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("version 1 of model 'm'");
    assertThat(registry.deployment("m").orElseThrow().revision()).isEqualTo(2);
  }

  @Test
  void promoteSendsAllTrafficToTheVersionAndMovesProductionToIt() {
    ModelRegistry registry = openWithVersions(2);
    registry.deploy("m", new DeploymentSpec(Map.of(1, 50, 2, 50), null));

    DeploymentRecord promoted = registry.promote("m", 2);

    assertThat(promoted.spec()).isEqualTo(DeploymentSpec.single(2));
    assertThat(promoted.note()).isEqualTo("promote version 2");
    assertThat(registry.getModel("m").aliases()).containsEntry(ModelRegistry.PRODUCTION, 2);
    assertThat(registry.deployment("m")).contains(promoted);
  }

  @Test
  void promoteOfAnUnreadyVersionChangesNeitherDeploymentNorAlias() {
    ModelRegistry registry = openWithVersions(1);
    registry.promote("m", 1);

    assertThatThrownBy(() -> registry.promote("m", 2))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("version 2 of model 'm' is PENDING");
    assertThatThrownBy(() -> registry.promote("m", 7))
        .isInstanceOf(ModelNotFoundException.class);
    assertThat(registry.getModel("m").aliases()).containsEntry(ModelRegistry.PRODUCTION, 1);
    assertThat(registry.deploymentHistory("m", 10)).hasSize(1);
  }

  @Test
  void clearRecordsARevisionWithoutSpecAndRollbackUndoesIt() {
    ModelRegistry registry = openWithVersions(1);
    registry.clearDeployment("m");
    assertThat(registry.deploymentHistory("m", 10)).isEmpty();
    DeploymentRecord deployed = registry.deploy("m", DeploymentSpec.single(1));

    registry.clearDeployment("m");
    registry.clearDeployment("m");

    assertThat(registry.deployment("m")).isEmpty();
    assertThat(registry.deploymentHistory("m", 10))
        .containsExactly(new DeploymentRecord("m", 2, null, NOW, "clear"), deployed);
    assertThat(registry.rollback("m").spec()).isEqualTo(deployed.spec());
  }

  @Test
  void deleteVersionRefusesWhileTheCurrentDeploymentUsesItAsTargetOrShadow() {
    ModelRegistry registry = openWithVersions(3);
    registry.deploy("m", CANARY);

    for (int used : new int[] {1, 2, 3}) {
      assertThatThrownBy(() -> registry.deleteVersion("m", used))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("version " + used + " of model 'm' is used by deployment"
              + " revision 1");
    }
    registry.deploy("m", DeploymentSpec.single(3));
    registry.deleteVersion("m", 1);
    registry.deleteVersion("m", 2);
    assertThat(registry.listVersions("m", PageRequest.first(10)).items())
        .extracting(VersionRecord::version)
        .containsExactly(3, 4);
  }

  @Test
  void deleteModelRemovesItsDeploymentHistory() {
    ModelRegistry registry = openWithVersions(1);
    registry.deploy("m", DeploymentSpec.single(1));

    registry.deleteModel("m");
    registry.createModel("m", "");

    assertThat(registry.deploymentHistory("m", 10)).isEmpty();
  }
}
