package dev.serval.registry.store;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Run in a child JVM with a heap far smaller than the upload: stores a generated stream and
 * exits 0 only if the stored file has the stream's length and digest.
 */
public final class LargeUploadMain {
  private LargeUploadMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    long length = Long.parseLong(args[1]);
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    ArtifactStore store = ArtifactStore.open(root, Clock.systemUTC(), Duration.ofHours(1));
    StagedArtifact stored;
    try (InputStream in = new DigestInputStream(new GeneratedStream(42, length), expected)) {
      stored = store.put(in, length);
    }
    boolean ok =
        stored.sha256().equals(HexFormat.of().formatHex(expected.digest()))
            && Files.size(store.path(stored.sha256())) == length
            && stored.size() == length;
    System.out.println("stored " + stored.size() + " bytes " + stored.sha256() + " ok=" + ok);
    System.exit(ok ? 0 : 1);
  }
}
