package dev.serval.registry;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Opens registries on the database a subclass chooses and closes them after each test. */
abstract class RegistryFixture {
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00.123456Z");

  @TempDir Path dir;
  private final List<ModelRegistry> opened = new ArrayList<>();

  /** A builder with the database and artifact folder set. */
  abstract ModelRegistry.Builder builder(Path dir);

  ModelRegistry open(ProtectedVersions hook) {
    ModelRegistry registry =
        builder(dir)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .maxUploadBytes(1000)
            .protectedVersions(hook)
            .build();
    opened.add(registry);
    return registry;
  }

  ModelRegistry open() {
    return open(ProtectedVersions.NONE);
  }

  @AfterEach
  void closeRegistries() {
    opened.forEach(ModelRegistry::close);
    opened.clear();
  }

  static InputStream content(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  static VersionRecord push(ModelRegistry registry, String model, String text) {
    return registry.pushVersion(model, content(text), VersionMetadata.EMPTY);
  }

  static void makeReady(ModelRegistry registry, String model, int version) {
    registry.setState(model, version, VersionState.VALIDATING, "");
    registry.setState(model, version, VersionState.READY, "");
  }
}
