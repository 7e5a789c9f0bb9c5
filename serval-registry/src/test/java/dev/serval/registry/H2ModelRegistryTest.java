package dev.serval.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class H2ModelRegistryTest extends ModelRegistryContract {
  @Override
  ModelRegistry.Builder builder(Path dir) {
    return ModelRegistry.builder().dataDir(dir);
  }

  @Test
  void keepsEverythingAcrossRestarts() {
    VersionRecord pushed;
    try (ModelRegistry registry = open()) {
      registry.createModel("m", "");
      pushed = push(registry, "m", "a");
    }

    ModelRegistry reopened = open();

    assertThat(reopened.getVersion("m", 1)).isEqualTo(pushed);
    assertThat(reopened.artifacts().verify(pushed.sha256())).isTrue();
  }
}
