package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serval backup} and {@code serval restore} on data folders, as a user runs them. */
class BackupCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path source;
  private Path archive;
  private VersionRecord pushed;

  @BeforeEach
  void names() {
    source = dir.resolve("source");
    archive = dir.resolve("backup.zip");
  }

  private void createARegistryWithOneVersion() {
    try (ModelRegistry registry = ModelRegistry.builder().dataDir(source).build()) {
      registry.createModel("m", "a model");
      pushed = registry.pushVersion("m", new ByteArrayInputStream(
          "weights".getBytes(StandardCharsets.UTF_8)), VersionMetadata.EMPTY);
    }
  }

  private int run(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void backupThenRestoreIntoAnotherDataFolderCarriesModelsAndArtifacts() {
    createARegistryWithOneVersion();
    Path target = dir.resolve("target");

    assertThat(run("backup", "--output", archive.toString(), "--data", source.toString()))
        .isZero();
    assertThat(run("restore", archive.toString(), "--data", target.toString())).isZero();

    assertThat(err.toString()).contains(
        "backup: table models: 1 row", "backup: artifact 1/1 (7 B)",
        "verify: artifact 1/1 (7 B)", "restore: table model_versions: 1 row");
    assertThat(out.toString())
        .contains("Backed up ", ", 1 artifacts (7 B) and 0 files (0 B) to " + archive)
        .contains("Restored ", " from " + archive);
    try (ModelRegistry restored = ModelRegistry.builder().dataDir(target).build()) {
      assertThat(restored.getVersion("m", 1)).isEqualTo(pushed);
      assertThat(restored.artifacts().verify(pushed.sha256())).isTrue();
    }
  }

  @Test
  void existingOutputIsRefusedUnlessOverwriteIsGiven() throws IOException {
    createARegistryWithOneVersion();
    Files.writeString(archive, "older backup");

    assertThat(run("backup", "--output", archive.toString(), "--data", source.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--output " + archive + " exists; add --overwrite");
    assertThat(Files.readString(archive)).isEqualTo("older backup");

    assertThat(run("backup", "--output", archive.toString(), "--data", source.toString(),
        "--overwrite")).isZero();
  }

  @Test
  void missingDataFolderHasNothingToBackUp() {
    Path missing = dir.resolve("missing");

    assertThat(run("backup", "--output", archive.toString(), "--data", missing.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--data " + missing + " does not exist");
    assertThat(missing).doesNotExist();
  }

  @Test
  void corruptArchiveIsRefusedWithoutStackTrace() throws IOException {
    Files.writeString(archive, "not a zip at all");

    assertThat(run("restore", archive.toString(), "--data", dir.resolve("t").toString()))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("serval: backup archive " + archive + " is not a complete zip file")
        .doesNotContain("Exception");
  }

  @Test
  void missingArchiveIsAUsageError() {
    Path missing = dir.resolve("missing.zip");

    assertThat(run("restore", missing.toString(), "--data", dir.resolve("t").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("FILE " + missing + " does not exist");
  }

  @Test
  void restoreIntoARegistryWithDataIsRefused() {
    createARegistryWithOneVersion();
    assertThat(run("backup", "--output", archive.toString(), "--data", source.toString()))
        .isZero();

    assertThat(run("restore", archive.toString(), "--data", source.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("the target registry is not empty");
  }

  @Test
  void registryLockedByARunningServerAsksToStopItFirst() throws IOException {
    createARegistryWithOneVersion();
    Path database = source.resolve("db").resolve("registry.mv.db");
    try (FileChannel channel = FileChannel.open(database, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      assertThat(lock.isValid()).isTrue();
      assertThat(run("backup", "--output", archive.toString(), "--data", source.toString()))
          .isEqualTo(1);
    }
    assertThat(err.toString()).contains("is in use by another process", "stop the server first");
    assertThat(archive).doesNotExist();
  }

  @Test
  void helpListsBackupAndRestore() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("backup", "restore");
  }
}
