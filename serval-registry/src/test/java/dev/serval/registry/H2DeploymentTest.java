package dev.serval.registry;

import java.nio.file.Path;

class H2DeploymentTest extends DeploymentContract {
  @Override
  ModelRegistry.Builder builder(Path dir) {
    return ModelRegistry.builder().dataDir(dir);
  }
}
