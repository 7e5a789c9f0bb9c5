package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.serval.gateway.CircuitSettings;
import dev.serval.gateway.UpstreamStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas stop and come back; the gateway keeps answering and moves traffic. */
class GatewayResilienceTest {
  /** Health checks that never run again after the first, so only requests notice a failure. */
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path dir;
  private Replicas replicas;

  @BeforeEach
  void startReplicas() {
    replicas = new Replicas(dir);
  }

  @AfterEach
  void stop() {
    replicas.close();
  }

  @Test
  void healthChecksTakeAStoppedReplicaOutAndPutItBackWhenItReturns() {
    replicas.start("m");
    replicas.start("m");
    replicas.startGateway(g -> g.healthChecks(Duration.ofMillis(50), Duration.ofSeconds(1)));

    replicas.kill(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !replicas.status(1).healthy());
    for (int i = 0; i < 10; i++) {
      assertThat(upstreamOf(replicas.infer("m"))).isEqualTo(replicas.address(0).toString());
    }

    replicas.restart(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> replicas.status(1).healthy());
    List<String> served = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      served.add(upstreamOf(replicas.infer("m")));
    }
    assertThat(served).contains(replicas.address(1).toString());
  }

  @Test
  void retriesOnAnotherReplicaWhenOneFails() {
    replicas.start("m");
    replicas.start("m");
    replicas.startGateway(g -> g.healthChecks(NEVER, Duration.ofSeconds(1)));

    replicas.kill(0);
    for (int i = 0; i < 6; i++) {
      AggregatedHttpResponse response = replicas.infer("m");
      assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
      assertThat(upstreamOf(response)).isEqualTo(replicas.address(1).toString());
    }

    assertThat(replicas.counter("serval.gateway.retries", "model", "m")).isPositive();
    assertThat(replicas.status(0).healthy()).as("no health check ran").isTrue();
  }

  @Test
  void opensTheCircuitOfAFailingReplicaAndStopsSendingItRequests() {
    replicas.start("m");
    replicas.start("m");
    replicas.startGateway(g -> g.healthChecks(NEVER, Duration.ofSeconds(1))
        .circuitBreaker(new CircuitSettings(0.5, 3, Duration.ofSeconds(10), NEVER)));
    String failing = replicas.address(0).toString();

    replicas.kill(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      replicas.infer("m");
      return replicas.status(0).circuit().equals("OPEN");
    });
    double failures = replicas.counter("serval.gateway.upstream.failures", "upstream", failing);
    for (int i = 0; i < 10; i++) {
      assertThat(replicas.infer("m").status()).isEqualTo(HttpStatus.OK);
    }

    assertThat(replicas.counter("serval.gateway.upstream.failures", "upstream", failing))
        .isEqualTo(failures);
  }

  @Test
  void failsOverToTheBackupModelWhenNoReplicaServesThePrimary() {
    replicas.start("primary");
    replicas.start("fallback");
    replicas.startGateway(g -> g.backup("primary", "fallback"));

    assertThat(replicas.infer("primary").headers().get("x-serval-served-by")).isNull();
    replicas.kill(0);
    AggregatedHttpResponse response = replicas.infer("primary");

    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
    assertThat(response.headers().get("x-serval-served-by")).isEqualTo("fallback");
    assertThat(TestServer.json(response).get("model_name").asText()).isEqualTo("fallback");
    assertThat(replicas.counter("serval.gateway.failovers", "model", "primary", "backup",
        "fallback")).isEqualTo(1);
  }

  /**
   * The kill test: three replicas under concurrent load, one closed abruptly. At most the
   * requests in flight on it fail (the gateway retries them elsewhere, so usually none does), and
   * within 2 s it gets no more traffic.
   */
  @Test
  void losingOneOfThreeReplicasUnderLoadFailsAtMostItsRequestsInFlight() throws Exception {
    for (int i = 0; i < 3; i++) {
      replicas.start("m");
    }
    replicas.startGateway(g -> g.healthChecks(Duration.ofMillis(200), Duration.ofSeconds(1)));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread client = new Thread(() -> {
        while (running.get()) {
          (replicas.infer("m").status() == HttpStatus.OK ? ok : failed).incrementAndGet();
        }
      });
      client.start();
      clients.add(client);
    }
    await().until(() -> ok.get() > 200);

    int inFlight = replicas.status(2).inFlight();
    long failedBefore = failed.get();
    replicas.kill(2);
    await().atMost(Duration.ofSeconds(2)).until(() -> isOutOfRotation(replicas.status(2)));
    long okAfterMove = ok.get();
    await().until(() -> ok.get() > okAfterMove + 200);
    running.set(false);
    for (Thread client : clients) {
      client.join();
    }

    assertThat(failedBefore).isZero();
    assertThat(failed.get()).isLessThanOrEqualTo(inFlight);
  }

  private static boolean isOutOfRotation(UpstreamStatus status) {
    return !status.healthy() || status.circuit().equals("OPEN");
  }

  private static String upstreamOf(AggregatedHttpResponse response) {
    assertThat(response.status()).as(response.contentUtf8()).isEqualTo(HttpStatus.OK);
    return response.headers().get("x-serval-upstream");
  }
}
