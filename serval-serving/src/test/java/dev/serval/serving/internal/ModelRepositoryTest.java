package dev.serval.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.ModelNotFoundException;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.serving.FakeBackend;
import dev.serval.serving.ModelConfig;
import dev.serval.serving.internal.ModelRepository.ModelFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {
  @TempDir Path root;

  private final ModelBackend backend = FakeBackend.scanOnly();

  @Test
  void aMissingDirectoryIsAnErrorNamingIt() {
    Path missing = root.resolve("nope");

    assertThatThrownBy(() -> new ModelRepository(missing, List.of(backend)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void listsModelFoldersSortedAndSkipsFilesAndHiddenFolders() throws IOException {
    Files.createDirectories(root.resolve("b"));
    Files.createDirectories(root.resolve("a"));
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve("README"), "");

    assertThat(repository().modelNames()).containsExactly("a", "b");
  }

  @Test
  void findsNumericVersionsWithTheirArtifactsAndDefaultConfig() throws IOException {
    artifact("m", "10");
    artifact("m", "2");

    ModelFolder folder = repository().scan("m");

    assertThat(folder.problem()).isNull();
    assertThat(folder.config()).isEqualTo(ModelConfig.defaults());
    assertThat(folder.versions()).extracting(v -> v.version()).containsExactly(2L, 10L);
    assertThat(folder.versions().get(0).artifact())
        .isEqualTo(root.resolve("m").resolve("2").resolve("model.fake"));
  }

  @Test
  void reportsAModelFolderWithoutVersionsNamingTheIgnoredFolders() throws IOException {
    Files.createDirectories(root.resolve("m").resolve("v1"));
    Files.createDirectories(root.resolve("m").resolve("01"));

    ModelFolder folder = repository().scan("m");

    assertThat(folder.versions()).isEmpty();
    assertThat(folder.problem()).contains("no version folder").contains("ignored folders [01, v1]");
  }

  @Test
  void reportsAVersionFolderWithoutArtifact() throws IOException {
    Files.createDirectories(root.resolve("m").resolve("1"));

    ModelFolder folder = repository().scan("m");

    assertThat(folder.versions().get(0).problem())
        .isEqualTo("no model artifact in " + Path.of("m", "1") + "; expected model.fake");
  }

  @Test
  void reportsAnInvalidConfigAsTheModelsProblem() throws IOException {
    artifact("m", "1");
    Files.writeString(root.resolve("m").resolve("config.json"), "{\"bogus\": 1}");

    ModelFolder folder = repository().scan("m");

    assertThat(folder.problem())
        .startsWith(Path.of("m", "config.json") + ": ")
        .contains("unknown key 'bogus'");
  }

  @Test
  void namesPathsRelativeToTheRepositoryInMessagesForClients() {
    ModelRepository repository = repository();
    String artifact = root.resolve("m").resolve("1").resolve("model.onnx").toString();

    assertThat(repository.relativePaths("cannot load ONNX model " + artifact + ": truncated"))
        .isEqualTo("cannot load ONNX model " + Path.of("m", "1", "model.onnx") + ": truncated");
    assertThatThrownBy(() -> repository.scan("absent"))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessage("model 'absent' is not in the model repository");
  }

  @Test
  void refusesNamesThatLeaveTheRepository() throws IOException {
    Files.createDirectories(root.resolve("m"));
    ModelRepository repository = new ModelRepository(root.resolve("m"), List.of(backend));

    assertThatThrownBy(() -> repository.scan("..")).isInstanceOf(ModelNotFoundException.class);
    assertThatThrownBy(() -> repository.scan("../m")).isInstanceOf(ModelNotFoundException.class);
    assertThat(repository.contains("")).isFalse();
  }

  private ModelRepository repository() {
    return new ModelRepository(root, List.of(backend));
  }

  private void artifact(String model, String version) throws IOException {
    Path dir = Files.createDirectories(root.resolve(model).resolve(version));
    Files.writeString(dir.resolve("model.fake"), "");
  }
}
