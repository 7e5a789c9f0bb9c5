package dev.serval.server.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.common.HttpStatus;
import dev.serval.registry.ModelRegistry;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A push whose connection is cut leaves nothing behind: no model, no stored or staged file. */
class InterruptedPushTest {
  private static final byte[] MLP = SampleModels.mlp(4, new int[] {8}, 3, 1);
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void cutUploadLeavesNoModelAndNoFile() throws IOException {
    Path artifacts = dir.resolve("data").resolve("artifacts");
    try (ManagementServer server = ManagementServer.start(dir, 1 << 20)) {
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        OutputStream out = socket.getOutputStream();
        // The header promises twice what is sent before the connection closes.
        out.write(("POST /api/v1/models/cut/versions HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "Content-Length: " + 2 * MLP.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(MLP);
        out.flush();
        // The registry is receiving: the body is being staged.
        await().atMost(PATIENCE)
            .until(() -> !ManagementApiTest.filesUnder(artifacts.resolve("tmp")).isEmpty());
      }
      await().atMost(PATIENCE)
          .until(() -> ManagementApiTest.filesUnder(artifacts.resolve("tmp")).isEmpty());

      assertThat(server.get("/api/v1/models/cut").status()).isEqualTo(HttpStatus.NOT_FOUND);
    }
    sweepOrphans();
    assertThat(ManagementApiTest.filesUnder(artifacts.resolve("tmp"))).isEmpty();
    assertThat(ManagementApiTest.filesUnder(artifacts.resolve("sha256"))).isEmpty();
  }

  /** A start-up with no grace period removes every staged or stored file no version references. */
  private void sweepOrphans() {
    ModelRegistry.builder().dataDir(dir.resolve("data")).orphanGrace(Duration.ZERO).build()
        .close();
  }
}
