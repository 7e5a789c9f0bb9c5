package dev.serval.server.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.server.observability.internal.CompletedRequest;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {
  @TempDir Path dir;

  @Test
  void dropsAndCountsLinesWhenTheWriterFallsBehindInsteadOfBlocking() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CountDownLatch writerMayRun = new CountDownLatch(1);
    AccessLog log =
        AccessLog.builder()
            .stream(out)
            .capacity(2)
            .threadFactory(task -> new Thread(() -> {
              awaitQuietly(writerMayRun);
              task.run();
            }))
            .build();

    for (int i = 0; i < 5; i++) {
      log.record(request("id-" + i));
    }
    writerMayRun.countDown();
    log.close();

    assertThat(log.dropped()).isEqualTo(3);
    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(line("id-0"), line("id-1"));
  }

  @Test
  void writesWhatIsQueuedBeforeClosing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AccessLog log = AccessLog.builder().stream(out).build();
    for (int i = 0; i < 1000; i++) {
      log.record(request("id-" + i));
    }

    log.close();

    assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(1000);
    assertThat(log.dropped()).isZero();
  }

  @Test
  void explainsAFileItCannotOpen() {
    Path missing = dir.resolve("no/such/folder/access.jsonl");

    assertThatThrownBy(() -> AccessLog.builder().file(missing).build())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot open the access log " + missing + " for appending");
    assertThatThrownBy(() -> AccessLog.builder().build())
        .hasMessage("the access log needs a file or a stream");
    assertThatThrownBy(() -> AccessLog.builder().capacity(0))
        .hasMessage("capacity must be positive but was 0");
  }

  private static String line(String id) {
    return "{\"time\":\"2026-01-02T03:04:05.000006Z\",\"request_id\":\"" + id + "\","
        + "\"remote\":\"127.0.0.1\",\"method\":\"GET\",\"path\":\"/v2\",\"protocol\":\"rest\","
        + "\"http_version\":\"HTTP/1.1\",\"status\":200,\"grpc_status\":null,\"latency_ms\":1.235,"
        + "\"request_bytes\":0,\"response_bytes\":10,\"model\":null,\"key_id\":null,"
        + "\"user_agent\":null}";
  }

  private static CompletedRequest request(String id) {
    return new CompletedRequest(
        Instant.parse("2026-01-02T03:04:05.000006Z"), id, "127.0.0.1", "GET", "/v2", "/v2",
        CompletedRequest.Protocol.REST, "HTTP/1.1", 200, null, 1_234_567, 0, 10, null, null,
        null);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
