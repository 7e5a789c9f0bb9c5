package dev.serval.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.ModelLoadException;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.serving.ModelConfig.VersionPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
  @TempDir Path root;

  @Test
  void readsEverySetting() {
    Path file =
        write(
            "{\"name\": \"m\", \"max_batch_size\": 32, \"instance_count\": 2,"
                + " \"dynamic_batching\": {\"max_queue_delay_microseconds\": 100,"
                + "   \"preferred_batch_size\": [16, 8], \"max_queue_size\": 10,"
                + "   \"default_timeout_microseconds\": 5000},"
                + " \"runtime\": {\"intra_op_threads\": 3, \"inter_op_threads\": 2,"
                + "   \"optimization_level\": \"basic\"},"
                + " \"version_policy\": {\"specific\": {\"versions\": [3, 1]}}}");

    ModelConfig config = ModelConfig.read(file);

    assertThat(config.maxBatchSize()).isEqualTo(32);
    assertThat(config.instanceCount()).isEqualTo(2);
    assertThat(config.dynamicBatching())
        .isEqualTo(new ModelConfig.DynamicBatching(100, List.of(8, 16), 10, 5000));
    assertThat(config.runtimeOptions()).isEqualTo(new RuntimeOptions(3, 2, "basic", true));
    assertThat(config.versionPolicy()).isEqualTo(VersionPolicy.specific(List.of(1L, 3L)));
  }

  @Test
  void anEmptyObjectMeansTheDefaults() {
    assertThat(ModelConfig.read(write("{}"))).isEqualTo(ModelConfig.defaults());
  }

  @Test
  void defaultsShareHalfTheCoresAmongInstances() {
    int cores = Runtime.getRuntime().availableProcessors();
    ModelConfig one = ModelConfig.read(write("{}"));
    ModelConfig two = ModelConfig.read(write("{\"instance_count\": 2}"));

    assertThat(one.runtimeOptions().intraOpThreads()).isEqualTo(Math.max(1, cores / 2));
    assertThat(two.runtimeOptions().intraOpThreads()).isEqualTo(Math.max(1, cores / 4));
  }

  @Test
  void rejectsAnUnknownKeyNamingItAndTheFile() {
    Path file = write("{\"dynamic_batching\": {\"max_delay\": 5}}");

    assertThatThrownBy(() -> ModelConfig.read(file))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown key 'dynamic_batching.max_delay'")
        .hasMessageContaining("max_queue_delay_microseconds");
  }

  @Test
  void rejectsAValueOfTheWrongType() {
    assertThatThrownBy(() -> ModelConfig.read(write("{\"max_batch_size\": \"big\"}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'max_batch_size' must be an integer but was \"big\"");
  }

  @Test
  void rejectsAValueOutOfRange() {
    assertThatThrownBy(
            () -> ModelConfig.read(write("{\"dynamic_batching\": {\"max_queue_size\": 0}}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'dynamic_batching.max_queue_size' must be >= 1 but was 0");
  }

  @Test
  void rejectsAPreferredBatchSizeAboveTheMaximum() {
    Path file =
        write("{\"max_batch_size\": 8, \"dynamic_batching\": {\"preferred_batch_size\": [16]}}");

    assertThatThrownBy(() -> ModelConfig.read(file))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("preferredBatchSize 16 is larger than maxBatchSize 8");
  }

  @Test
  void rejectsADuplicateKey() {
    assertThatThrownBy(
            () -> ModelConfig.read(write("{\"instance_count\": 1, \"instance_count\": 2}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("instance_count");
  }

  @Test
  void rejectsMalformedJsonWithItsPosition() {
    assertThatThrownBy(() -> ModelConfig.read(write("{\"max_batch_size\": 8,")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("is not valid JSON")
        .hasMessageContaining("line 1");
  }

  @Test
  void rejectsANameThatIsNotTheFolderName() {
    assertThatThrownBy(() -> ModelConfig.read(write("{\"name\": \"other\"}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'name' is 'other' but the model folder is 'm'");
  }

  @Test
  void rejectsAnUnknownOptimizationLevel() {
    assertThatThrownBy(
            () -> ModelConfig.read(write("{\"runtime\": {\"optimization_level\": \"max\"}}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'runtime.optimization_level' is 'max'");
  }

  @Test
  void rejectsAVersionPolicyWithTwoKinds() {
    assertThatThrownBy(
            () -> ModelConfig.read(write("{\"version_policy\": {\"all\": {}, \"latest\": {}}}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'version_policy' must hold exactly one of");
  }

  @Test
  void versionPoliciesSelectVersions() {
    List<Long> available = List.of(1L, 2L, 5L);

    assertThat(VersionPolicy.latest(2).select(available)).containsExactly(2L, 5L);
    assertThat(VersionPolicy.all().select(available)).containsExactly(1L, 2L, 5L);
    assertThat(VersionPolicy.specific(List.of(5L, 7L)).select(available)).containsExactly(5L);
    assertThat(
            ModelConfig.read(write("{\"version_policy\": {\"latest\": {\"num_versions\": 3}}}"))
                .versionPolicy())
        .isEqualTo(VersionPolicy.latest(3));
  }

  @Test
  void builderRejectsBadArgumentsNamingThem() {
    assertThatThrownBy(() -> ModelConfig.builder().instanceCount(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instanceCount must be >= 1 but was 0");
    assertThatThrownBy(() -> ModelConfig.builder().maxBatchSize(-1).build())
        .hasMessage("maxBatchSize must be >= 0 but was -1");
  }

  private Path write(String json) {
    Path file = root.resolve("m").resolve("config.json");
    Repos.write(file, json);
    return file;
  }
}
