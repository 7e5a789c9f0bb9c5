package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.serving.ModelManager;
import dev.serval.serving.ModelState;
import dev.serval.serving.RepositoryEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: new folders are validated and rolled out once settled; broken ones are ignored. */
class RepositoryPollerTest {
  @TempDir Path repository;
  private ModelManager models;
  private RepositoryPoller poller;

  @BeforeEach
  void start() throws IOException {
    write("iris", 1);
    models = ModelManager.builder().repository(repository).backend(new OnnxBackend()).build();
    models.start();
    ModelValidator validator = ModelValidator.builder().backend(new OnnxBackend()).build();
    poller = new RepositoryPoller(
        repository, models, new FolderValidation(validator), model -> model.equals("managed"));
    poller.baseline();
  }

  @AfterEach
  void stop() {
    models.close();
  }

  @Test
  void aNewVersionIsRolledOutOnceItsFolderHasSettled() throws IOException {
    write("iris", 2);

    poller.poll();
    assertThat(served("iris")).isEqualTo("1");

    poller.poll();
    assertThat(served("iris")).isEqualTo("2");
  }

  @Test
  void aBrokenVersionIsReportedAndIgnored() throws IOException {
    Path broken = Files.createDirectories(repository.resolve("iris/2"));
    Files.writeString(broken.resolve("model.onnx"), "not a model");

    poller.poll();
    poller.poll();

    assertThat(served("iris")).isEqualTo("1");
    assertThat(entry("iris", "2").state()).isEqualTo(ModelState.UNAVAILABLE);
    assertThat(entry("iris", "2").reason()).contains("failed validation");
  }

  @Test
  void aFixedVersionIsReadmitted() throws IOException {
    Path folder = Files.createDirectories(repository.resolve("iris/2"));
    Files.writeString(folder.resolve("model.onnx"), "not a model");
    poller.poll();
    poller.poll();

    write("iris", 2);
    poller.poll();
    poller.poll();

    assertThat(served("iris")).isEqualTo("2");
  }

  @Test
  void aNewModelIsLoadedAndARemovedOneUnloaded() throws IOException {
    write("wine", 1);
    poller.poll();
    poller.poll();
    assertThat(served("wine")).isEqualTo("1");

    deleteTree(repository.resolve("wine"));
    poller.poll();
    poller.poll();
    assertThat(models.index(true)).extracting(RepositoryEntry::name).containsOnly("iris");
  }

  @Test
  void leavesModelsThatAnotherSourceManagesAlone() throws IOException {
    write("managed", 1);
    poller.poll();
    poller.poll();
    assertThat(models.index(true)).extracting(RepositoryEntry::name).containsOnly("iris");
  }

  private String served(String model) {
    return models.metadata(model, null).versions().get(0);
  }

  private RepositoryEntry entry(String model, String version) {
    return models.index(false).stream()
        .filter(e -> e.name().equals(model) && version.equals(e.version()))
        .findFirst()
        .orElseThrow();
  }

  private void write(String model, int version) throws IOException {
    Path file = repository.resolve(model).resolve(Integer.toString(version)).resolve("model.onnx");
    Files.createDirectories(file.getParent());
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, version), file);
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
