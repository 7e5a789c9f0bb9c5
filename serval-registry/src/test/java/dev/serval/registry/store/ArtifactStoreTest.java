package dev.serval.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.core.PayloadTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  @TempDir Path root;

  private ArtifactStore open() {
    return ArtifactStore.open(root, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1));
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void storesContentUnderItsSha256() throws IOException {
    ArtifactStore store = open();

    StagedArtifact stored = store.put(bytes("abc"), 100);

    assertThat(stored.sha256()).isEqualTo(ABC_SHA256);
    assertThat(stored.size()).isEqualTo(3);
    assertThat(store.path(ABC_SHA256))
        .isEqualTo(root.toAbsolutePath().resolve("sha256/ba/" + ABC_SHA256))
        .hasContent("abc");
    try (InputStream in = store.open(ABC_SHA256)) {
      assertThat(in.readAllBytes()).containsExactly('a', 'b', 'c');
    }
    assertThat(store.verify(ABC_SHA256)).isTrue();
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void storesIdenticalContentOnce() throws IOException {
    ArtifactStore store = open();

    store.put(bytes("abc"), 100);
    store.put(bytes("abc"), 100);

    try (Stream<Path> files = Files.list(store.path(ABC_SHA256).getParent())) {
      assertThat(files).hasSize(1);
    }
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void cutStreamLeavesNothingBehind() throws IOException {
    ArtifactStore store = open();
    InputStream cut =
        new InputStream() {
          private int sent;

          @Override
          public int read() throws IOException {
            return read(new byte[1], 0, 1);
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (sent >= 100_000) {
              throw new IOException("connection reset");
            }
            sent += len;
            return len;
          }
        };

    assertThatThrownBy(() -> store.stage(cut, 1 << 20))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("upload stream failed after")
        .hasMessageContaining("connection reset");
    assertThat(tempFiles()).isEmpty();
    assertThat(artifactFiles()).isEmpty();
  }

  @Test
  void contentOverTheLimitIsRejectedAndRemoved() throws IOException {
    ArtifactStore store = open();

    assertThatThrownBy(() -> store.put(new GeneratedStream(1, 1001), 1000))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("1000 bytes");
    assertThat(tempFiles()).isEmpty();
    assertThat(store.put(new GeneratedStream(1, 1000), 1000).size()).isEqualTo(1000);
  }

  @Test
  void unpublishedStagedArtifactIsDeletedOnClose() throws IOException {
    ArtifactStore store = open();

    try (StagedArtifact staged = store.stage(bytes("abc"), 100)) {
      assertThat(tempFiles()).hasSize(1);
      assertThat(store.exists(staged.sha256())).isFalse();
    }

    assertThat(tempFiles()).isEmpty();
    assertThat(store.exists(ABC_SHA256)).isFalse();
  }

  @Test
  void openRemovesAbandonedUploadsButKeepsRecentOnes() throws IOException {
    open();
    Path abandoned = Files.writeString(root.resolve("tmp/crashed.part"), "half");
    Files.setLastModifiedTime(abandoned, FileTime.from(NOW.minus(Duration.ofHours(2))));
    Path inProgress = Files.writeString(root.resolve("tmp/other-node.part"), "writing");
    Files.setLastModifiedTime(inProgress, FileTime.from(NOW.minus(Duration.ofMinutes(5))));

    open();

    assertThat(abandoned).doesNotExist();
    assertThat(inProgress).exists();
  }

  @Test
  void verifyDetectsCorruptedAndMissingContent() throws IOException {
    ArtifactStore store = open();
    store.put(bytes("abc"), 100);

    Files.writeString(store.path(ABC_SHA256), "abd");

    assertThat(store.verify(ABC_SHA256)).isFalse();
    assertThat(store.delete(ABC_SHA256)).isTrue();
    assertThat(store.verify(ABC_SHA256)).isFalse();
    assertThat(store.delete(ABC_SHA256)).isFalse();
  }

  @Test
  void rejectsDigestsThatCouldEscapeTheFolder() {
    ArtifactStore store = open();

    for (String bad : List.of("../../etc/passwd", "", ABC_SHA256.toUpperCase(), ABC_SHA256 + "0")) {
      assertThatThrownBy(() -> store.path(bad))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("sha256 must be 64 lowercase hex");
    }
  }

  /** 256 MiB through a JVM with a 32 MiB heap: passes only if the upload is streamed. */
  @Test
  void streamsUploadsLargerThanTheHeap() throws Exception {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                javaBin.toString(),
                "-Xmx32m",
                "-cp",
                System.getProperty("java.class.path"),
                LargeUploadMain.class.getName(),
                root.toString(),
                Long.toString(256L << 20))
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("stored " + (256L << 20) + " bytes").contains("ok=true");
    assertThat(tempFiles()).isEmpty();
  }

  private List<Path> tempFiles() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
      return files.toList();
    }
  }

  private List<Path> artifactFiles() throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve("sha256"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }
}
