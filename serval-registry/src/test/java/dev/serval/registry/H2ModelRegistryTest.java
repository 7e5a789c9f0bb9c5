package dev.serval.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
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

  @Test
  void removesStoredFilesNoVersionReferencesOnceOlderThanTheGracePeriod() throws IOException {
    String referenced;
    String oldOrphan;
    String youngOrphan;
    try (ModelRegistry registry = open()) {
      registry.createModel("m", "");
      referenced = push(registry, "m", "kept").sha256();
      // As left by a crash between publishing the file and committing the version.
      oldOrphan = registry.artifacts().put(stream("old"), 100).sha256();
      youngOrphan = registry.artifacts().put(stream("young"), 100).sha256();
      age(registry, referenced, Duration.ofHours(2));
      age(registry, oldOrphan, Duration.ofHours(2));
      age(registry, youngOrphan, Duration.ofMinutes(30));
    }

    ModelRegistry reopened = builder(dir)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .orphanGrace(Duration.ofHours(1))
        .build();

    try (reopened) {
      assertThat(reopened.artifacts().exists(oldOrphan)).isFalse();
      assertThat(reopened.artifacts().exists(youngOrphan)).isTrue();
      assertThat(reopened.artifacts().verify(referenced)).isTrue();
    }
  }

  private static void age(ModelRegistry registry, String sha256, Duration age) throws IOException {
    Files.setLastModifiedTime(registry.artifacts().path(sha256), FileTime.from(NOW.minus(age)));
  }

  private static InputStream stream(String content) {
    return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
  }
}
