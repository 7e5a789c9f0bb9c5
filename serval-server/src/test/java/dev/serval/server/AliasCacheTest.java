package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serval.core.ModelNotFoundException;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionState;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Aliases resolve from the cache, which alias events and its time limit keep current. */
class AliasCacheTest {
  private static final long TTL = 1_000;

  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong();
  private ModelRegistry registry;
  private AliasCache cache;

  @BeforeEach
  void start() {
    registry = ModelRegistry.builder().dataDir(dir).build();
    registry.createModel("iris", "");
    for (int v = 1; v <= 2; v++) {
      registry.pushVersion("iris", new ByteArrayInputStream(new byte[] {(byte) v}),
          VersionMetadata.EMPTY);
      registry.setState("iris", v, VersionState.VALIDATING, "");
      registry.setState("iris", v, VersionState.READY, "");
    }
    registry.setAlias("iris", "production", 1);
    cache = new AliasCache(registry, now::get, TTL);
  }

  @AfterEach
  void stop() {
    cache.close();
    registry.close();
  }

  @Test
  void anAliasMovedInTheRegistryResolvesToItsNewVersion() {
    assertThat(cache.resolve("iris", "production")).isEqualTo("1");

    registry.setAlias("iris", "production", 2);

    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(cache.resolve("iris", "production")).isEqualTo("2"));
  }

  @Test
  void entriesExpireForChangesNoEventReports() throws Exception {
    assertThat(cache.resolve("iris", "production")).isEqualTo("1");
    // As if another node moved it without a broker: no event reaches this cache.
    cache.close();
    registry.setAlias("iris", "production", 2);
    Thread.sleep(200);
    assertThat(cache.resolve("iris", "production")).isEqualTo("1");

    now.addAndGet(TTL + 1);
    assertThat(cache.resolve("iris", "production")).isEqualTo("2");
  }

  @Test
  void anUnknownAliasIsNotFound() {
    assertThatThrownBy(() -> cache.resolve("iris", "staging"))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessage("model 'iris' has no version or alias 'staging'");
  }
}
