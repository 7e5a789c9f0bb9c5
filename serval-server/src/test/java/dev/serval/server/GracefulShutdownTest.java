package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.serval.core.DataType;
import dev.serval.runtime.onnx.SampleModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GracefulShutdownTest {
  @TempDir Path repository;

  @Test
  void turnsReadinessOffThenFinishesInFlightRequestsBeforeStopping() {
    // The request waits in the batcher's queue for 2 s, so it is in flight when close() starts.
    TestServer.writeModel(repository, "slow", 1, SampleModels.identity(DataType.FP32, -1, 2));
    TestServer.writeConfig(
        repository,
        "slow",
        "{\"max_batch_size\": 8, \"dynamic_batching\": {\"max_queue_delay_microseconds\": 2000000}}");
    TestServer server = TestServer.start(repository, b -> {});
    CompletableFuture<AggregatedHttpResponse> inFlight =
        server.postAsync(
            "/v2/models/slow/infer",
            TestServer.inferRequest("x", "FP32", "[1, 2]", "[3, 4]"));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.queueDepth("slow") == 1);

    // The server alone: the test's client stays connected to see the shutdown from outside.
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server.server::close);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.get("/v2/health/ready").status() == HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(server.get("/v2/health/live").status()).isEqualTo(HttpStatus.OK);
    AggregatedHttpResponse answered = inFlight.join();
    assertThat(answered.status()).isEqualTo(HttpStatus.OK);
    assertThat(TestServer.json(answered).get("outputs").get(0).get("data").toString())
        .isEqualTo("[3.0,4.0]");
    closing.join();
    assertThat(server.client.get("/v2/health/live").aggregate())
        .failsWithin(Duration.ofSeconds(10));
    server.close();
  }
}
