package dev.serval.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.PayloadTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour every metadata database must show; subclasses choose H2 or PostgreSQL. */
abstract class ModelRegistryContract extends RegistryFixture {
  @Test
  void createdModelCanBeReadBack() {
    ModelRegistry registry = open();

    ModelRecord created = registry.createModel("resnet-50", "image classifier");

    assertThat(created.name()).isEqualTo("resnet-50");
    assertThat(created.description()).isEqualTo("image classifier");
    assertThat(created.created()).isEqualTo(NOW);
    assertThat(registry.getModel("resnet-50")).isEqualTo(created);
  }

  @Test
  void refusesDuplicateAndUnknownModels() {
    ModelRegistry registry = open();
    registry.createModel("m", "");

    assertThatThrownBy(() -> registry.createModel("m", ""))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("'m' already exists");
    assertThatThrownBy(() -> registry.getModel("nope"))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("'nope'");
  }

  @Test
  void listsModelsByPageWithPrefixAndTagFilters() {
    ModelRegistry registry = open();
    for (String name : List.of("b_1", "a", "bx", "b-2", "c")) {
      registry.createModel(name, "");
    }
    registry.setModelTag("a", "team", "vision");
    registry.setModelTag("c", "team", "vision");
    registry.setModelTag("bx", "team", "nlp");

    Page<ModelRecord> first = registry.listModels(ModelFilter.ALL, PageRequest.first(2));
    Page<ModelRecord> rest = registry.listModels(ModelFilter.ALL, new PageRequest(first.next(), 10));

    assertThat(first.items()).hasSize(2);
    assertThat(rest.next()).isNull();
    assertThat(Stream.concat(first.items().stream(), rest.items().stream()).map(ModelRecord::name))
        .containsExactlyInAnyOrder("a", "b-2", "b_1", "bx", "c")
        .doesNotHaveDuplicates();
    assertThat(names(registry.listModels(ModelFilter.namePrefix("b_"), PageRequest.first(10))))
        .containsExactly("b_1");
    assertThat(names(registry.listModels(ModelFilter.tag("team", "vision"), PageRequest.first(10))))
        .containsExactlyInAnyOrder("a", "c");
    assertThat(names(registry.listModels(ModelFilter.tag("team", null), PageRequest.first(10))))
        .containsExactlyInAnyOrder("a", "bx", "c");
  }

  private static List<String> names(Page<ModelRecord> page) {
    return page.items().stream().map(ModelRecord::name).toList();
  }

  @Test
  void pushedVersionIsPendingWithItsMetadataAndArtifact() throws IOException {
    ModelRegistry registry = open();
    registry.createModel("base", "");
    registry.createModel("small", "");
    VersionMetadata metadata =
        VersionMetadata.EMPTY
            .withDescription("int8 of base v1")
            .withTags(Map.of("dataset", "imagenet"))
            .withLineage(new Lineage("base", 1, "job-7", "quantize-int8", "{\"bits\":8}"));

    VersionRecord pushed = registry.pushVersion("small", content("weights"), metadata);

    assertThat(pushed.version()).isEqualTo(1);
    assertThat(pushed.state()).isEqualTo(VersionState.PENDING);
    assertThat(pushed.reason()).isEmpty();
    assertThat(pushed.sizeBytes()).isEqualTo(7);
    assertThat(pushed.description()).isEqualTo("int8 of base v1");
    assertThat(pushed.tags()).containsExactly(Map.entry("dataset", "imagenet"));
    assertThat(pushed.lineage()).isEqualTo(metadata.lineage());
    assertThat(pushed.created()).isEqualTo(NOW);
    assertThat(Files.readString(registry.artifacts().path(pushed.sha256()))).isEqualTo("weights");
    assertThat(registry.getVersion("small", 1)).isEqualTo(pushed);
  }

  @Test
  void failedPushLeavesNoVersionAndNoFile() throws IOException {
    ModelRegistry registry = open();
    registry.createModel("m", "");

    assertThatThrownBy(() -> push(registry, "m", "x".repeat(1001)))
        .isInstanceOf(PayloadTooLargeException.class);
    assertThatThrownBy(() -> push(registry, "missing", "abc"))
        .isInstanceOf(ModelNotFoundException.class);

    assertThat(registry.listVersions("m", PageRequest.first(10)).items()).isEmpty();
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.toString().contains("artifacts")).filter(Files::isRegularFile))
          .isEmpty();
    }
  }

  @Test
  void concurrentPushesGetDistinctConsecutiveNumbers() throws Exception {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> pushes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String text = "model " + (i % 5); // shared content exercises the artifact row lock too
        pushes.add(pool.submit(() -> push(registry, "m", text).version()));
      }
      List<Integer> numbers = new ArrayList<>();
      for (Future<Integer> push : pushes) {
        numbers.add(push.get());
      }
      assertThat(numbers).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 40).boxed().toList());
    } finally {
      pool.shutdownNow();
    }
    Page<VersionRecord> page = registry.listVersions("m", PageRequest.first(25));
    Page<VersionRecord> rest = registry.listVersions("m", new PageRequest(page.next(), 25));
    assertThat(page.items()).extracting(VersionRecord::version).startsWith(1, 2).endsWith(25);
    assertThat(rest.items()).extracting(VersionRecord::version).startsWith(26).endsWith(40);
    assertThat(rest.next()).isNull();
  }

  @Test
  void versionMovesOnlyAlongItsLifecycle() {
    ModelRegistry registry = open();
    createWithTwoVersions(registry);

    assertThatThrownBy(() -> registry.setState("m", 1, VersionState.READY, ""))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is PENDING and cannot move to READY");
    makeReady(registry, "m", 1);
    registry.setState("m", 2, VersionState.VALIDATING, "");
    VersionRecord failed = registry.setState("m", 2, VersionState.FAILED, "output has NaN");

    assertThat(registry.getVersion("m", 1).state()).isEqualTo(VersionState.READY);
    assertThat(failed.state()).isEqualTo(VersionState.FAILED);
    assertThat(failed.reason()).isEqualTo("output has NaN");
    assertThatThrownBy(() -> registry.setState("m", 1, VersionState.FAILED, "late"))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.setState("m", 2, VersionState.VALIDATING, ""))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.setState("m", 3, VersionState.VALIDATING, ""))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("version 3 of model 'm' does not exist");
  }

  /** Model "m" with versions 1 and 2, both PENDING. */
  private static void createWithTwoVersions(ModelRegistry registry) {
    registry.createModel("m", "");
    push(registry, "m", "a");
    push(registry, "m", "b");
  }

  /** Model "m" with version 1 VALIDATING. */
  private ModelRegistry openWithVersionInValidation() {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    push(registry, "m", "a");
    registry.setState("m", 1, VersionState.VALIDATING, "");
    return registry;
  }

  @Test
  void failedVersionNeedsAReason() {
    ModelRegistry registry = openWithVersionInValidation();

    assertThatThrownBy(() -> registry.setState("m", 1, VersionState.FAILED, " "))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void signatureIsStoredUntilValidationEnds() {
    ModelRegistry registry = openWithVersionInValidation();

    String signature = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,3]}]}";
    assertThat(registry.setSignature("m", 1, signature).signatureJson()).isEqualTo(signature);
    registry.setState("m", 1, VersionState.READY, "");
    assertThatThrownBy(() -> registry.setSignature("m", 1, "{}"))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.setSignature("m", 1, "[1"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aliasPointsOnlyToReadyVersionsAndResolves() {
    ModelRegistry registry = open();
    createWithTwoVersions(registry);
    makeReady(registry, "m", 1);

    assertThatThrownBy(() -> registry.setAlias("m", "production", 2))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("READY");
    assertThat(registry.setAlias("m", "production", 1).aliases())
        .containsExactly(Map.entry("production", 1));
    makeReady(registry, "m", 2);
    registry.setAlias("m", "production", 2);

    assertThat(registry.resolve("m", "production").version()).isEqualTo(2);
    assertThat(registry.resolve("m", "1").version()).isEqualTo(1);
    assertThatThrownBy(() -> registry.resolve("m", "staging"))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("no alias 'staging'");
    assertThatThrownBy(() -> registry.setAlias("m", "7", 1))
        .isInstanceOf(InvalidInputException.class);
    assertThat(registry.removeAlias("m", "production").aliases()).isEmpty();
  }

  @Test
  void deleteVersionRefusesWhileAnAliasOrDeploymentUsesIt() {
    ModelRegistry registry =
        open((model, version) -> version == 2 ? Optional.of("deployment 'canary' serves it") : Optional.empty());
    createWithTwoVersions(registry);
    makeReady(registry, "m", 1);
    registry.setAlias("m", "production", 1);

    assertThatThrownBy(() -> registry.deleteVersion("m", 1))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("alias 'production'");
    assertThatThrownBy(() -> registry.deleteVersion("m", 2))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("deployment 'canary' serves it");

    registry.removeAlias("m", "production");
    registry.deleteVersion("m", 1);
    assertThatThrownBy(() -> registry.getVersion("m", 1)).isInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void deletingAVersionKeepsContentOtherVersionsShare() {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    registry.createModel("copy", "");
    String shared = push(registry, "m", "same").sha256();
    push(registry, "copy", "same");
    String own = push(registry, "m", "own").sha256();

    registry.deleteVersion("m", 1);
    registry.deleteVersion("m", 2);

    assertThat(registry.artifacts().exists(shared)).isTrue();
    assertThat(registry.artifacts().exists(own)).isFalse();
    assertThat(push(registry, "m", "own").version()).as("numbers are never reused").isEqualTo(3);
    assertThat(registry.artifacts().exists(own)).isTrue();
  }

  @Test
  void deleteModelRemovesEverythingUnlessProtected() {
    ModelRegistry registry =
        open((model, version) -> model.equals("kept") ? Optional.of("deployed") : Optional.empty());
    registry.createModel("m", "");
    registry.createModel("kept", "");
    push(registry, "kept", "k");
    String sha = push(registry, "m", "a").sha256();
    makeReady(registry, "m", 1);
    registry.setAlias("m", "production", 1);
    registry.setVersionTag("m", 1, "k", "v");
    registry.setModelTag("m", "k", "v");

    registry.deleteModel("m");

    assertThatThrownBy(() -> registry.getModel("m")).isInstanceOf(ModelNotFoundException.class);
    assertThat(registry.artifacts().exists(sha)).isFalse();
    assertThatThrownBy(() -> registry.deleteModel("kept"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("deployed");
    registry.createModel("m", "again");
    assertThat(push(registry, "m", "a").version()).isEqualTo(1);
  }

  @Test
  void tagsAreSetReplacedAndRemoved() {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    push(registry, "m", "a");

    registry.setModelTag("m", "owner", "ana");
    assertThat(registry.setModelTag("m", "owner", "bo").tags()).containsExactly(Map.entry("owner", "bo"));
    assertThat(registry.removeModelTag("m", "owner").tags()).isEmpty();
    registry.setVersionTag("m", 1, "accuracy", "0.91");
    assertThat(registry.setVersionTag("m", 1, "accuracy", "0.92").tags())
        .containsExactly(Map.entry("accuracy", "0.92"));
    assertThat(registry.removeVersionTag("m", 1, "accuracy").tags()).isEmpty();
    assertThatThrownBy(() -> registry.setModelTag("m", "../x", "v"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("tag key");
  }
}
