package dev.serval.registry.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.registry.ConflictException;
import dev.serval.registry.ModelRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of files kept beside the database (job logs) go into the archive and back. */
class FolderBackupTest {
  @TempDir Path dir;
  private final List<ModelRegistry> opened = new ArrayList<>();
  private ModelRegistry source;
  private Path archive;

  @BeforeEach
  void backUpARegistryWithAJobsFolder() throws IOException {
    source = registry("source");
    source.createModel("m", "");
    Path jobs = dir.resolve("source/jobs");
    Files.createDirectories(jobs.resolve("j1/output"));
    Files.writeString(jobs.resolve("j1/attempt-1.log"), "epoch 1 loss 0.5\n");
    Files.write(jobs.resolve("j1/output/model.onnx"), new byte[] {0, 1, 2, 3});
    Files.createDirectories(jobs.resolve("j2"));
    Files.writeString(jobs.resolve("j2/attempt-2.log"), "second try\n");
    archive = dir.resolve("backup.zip");
    BackupSummary summary = backup(jobs).write(source, archive, ProgressListener.NONE);
    assertThat(summary.files()).isEqualTo(3);
    assertThat(summary.fileBytes()).isEqualTo(17 + 4 + 11);
  }

  @AfterEach
  void close() {
    opened.forEach(ModelRegistry::close);
  }

  private ModelRegistry registry(String name) {
    ModelRegistry registry = ModelRegistry.builder().dataDir(dir.resolve(name)).build();
    opened.add(registry);
    return registry;
  }

  private static RegistryBackup backup(Path jobs) {
    return RegistryBackup.builder().folder("jobs", jobs).build();
  }

  @Test
  void restoresEveryFileOfTheFolderIntoTheTargetsFolder() throws IOException {
    Path jobs = dir.resolve("target/jobs");

    backup(jobs).restore(archive, registry("target"), ProgressListener.NONE);

    assertThat(files(jobs)).isEqualTo(files(dir.resolve("source/jobs")));
    assertThat(Files.readString(jobs.resolve("j1/attempt-1.log")))
        .isEqualTo("epoch 1 loss 0.5\n");
    try (Stream<Path> siblings = Files.list(jobs.getParent())) {
      assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
  }

  @Test
  void damagedFileIsRefusedBeforeAnyRowOrFileIsRestored() throws IOException {
    Path damaged = ZipEdits.withEntry(archive, dir.resolve("damaged.zip"),
        "folders/jobs/j1/attempt-1.log", content -> "epoch 1 loss 9.9\n".getBytes(
            StandardCharsets.UTF_8));
    ModelRegistry target = registry("target");
    Path jobs = dir.resolve("target/jobs");

    assertThatThrownBy(() -> backup(jobs).restore(damaged, target, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("folders/jobs/j1/attempt-1.log in backup archive " + damaged
            + " is damaged: expected sha256");
    assertThat(jobs).doesNotExist();
    long models = target.database().transaction(c -> {
      try (var rows = c.createStatement().executeQuery("SELECT COUNT(*) FROM models")) {
        rows.next();
        return rows.getLong(1);
      }
    });
    assertThat(models).isZero();
    try (Stream<Path> left = Files.list(dir.resolve("target"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
  }

  @Test
  void fileLongerThanTheManifestSaysIsRefused() throws IOException {
    Path longer = ZipEdits.withEntry(archive, dir.resolve("longer.zip"),
        "folders/jobs/j1/attempt-1.log", content -> new byte[1 << 20]);
    Path jobs = dir.resolve("target/jobs");

    assertThatThrownBy(() -> backup(jobs).restore(longer, registry("target"),
        ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("folders/jobs/j1/attempt-1.log in backup archive " + longer
            + " is damaged: it is longer than the manifest's 17 bytes");
    assertThat(jobs).doesNotExist();
  }

  @Test
  void targetFolderWithFilesIsRefused() throws IOException {
    Path jobs = Files.createDirectories(dir.resolve("target/jobs"));
    Files.writeString(jobs.resolve("mine.log"), "keep");

    assertThatThrownBy(() -> backup(jobs).restore(archive, registry("target"),
        ProgressListener.NONE))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("the target folder " + jobs + " (jobs) is not empty");
    assertThat(files(jobs)).containsOnlyKeys("mine.log");
  }

  @Test
  void archiveWithFilesOfAFolderTheRestoreWasNotGivenIsRefused() {
    ModelRegistry target = registry("target");

    assertThatThrownBy(() -> RegistryBackup.builder().build()
        .restore(archive, target, ProgressListener.NONE))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("has files of folder 'jobs' but the restore was given no folder");
  }

  @Test
  void manifestFilePathThatLeavesItsFolderIsRefusedAndNothingIsWrittenOutside()
      throws IOException {
    Path escaping = ZipEdits.withEntry(archive, dir.resolve("escaping.zip"), "manifest.json",
        manifest -> new String(manifest, StandardCharsets.UTF_8)
            .replace("\"j2/attempt-2.log\"", "\"../escaped.log\"")
            .getBytes(StandardCharsets.UTF_8));
    assertThat(ZipEdits.read(escaping, "manifest.json")).contains("../escaped.log");
    ModelRegistry target = registry("target");
    Path jobs = dir.resolve("target/jobs");

    assertThatThrownBy(() -> backup(jobs).restore(escaping, target, ProgressListener.NONE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("manifest.json in " + escaping + " is not valid")
        .hasMessageContaining("must be relative and stay inside its folder, got '../escaped.log'");
    assertThat(dir.resolve("target/escaped.log")).doesNotExist();
    assertThat(jobs).doesNotExist();
  }

  @Test
  void folderNamesThatCouldLeaveTheArchiveLayoutAreRejected() {
    assertThatThrownBy(() -> RegistryBackup.builder().folder("../jobs", dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("folder name must be lowercase letters, digits and '-', got"
            + " '../jobs'");
  }

  /** Relative path to content of every file under {@code root}. */
  private static Map<String, String> files(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(), Files.readString(file,
            StandardCharsets.ISO_8859_1));
      }
    }
    return files;
  }
}
