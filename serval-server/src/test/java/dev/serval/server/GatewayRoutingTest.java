package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.gateway.Gateway;
import dev.serval.gateway.UpstreamAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway routes each request to a replica that serves its model, spread by load. */
class GatewayRoutingTest {
  @TempDir Path dir;
  private Replicas replicas;

  @AfterEach
  void stop() {
    replicas.close();
  }

  @Test
  void routesEachModelToTheReplicaThatServesIt() {
    replicas = new Replicas(dir);
    int a = replicas.start("a");
    int b = replicas.start("b");
    replicas.startGateway(g -> { });

    AggregatedHttpResponse toA = replicas.infer("a");
    AggregatedHttpResponse toB = replicas.infer("b");

    assertThat(toA.status()).as(toA.contentUtf8()).isEqualTo(HttpStatus.OK);
    assertThat(toA.headers().get("x-serval-upstream")).isEqualTo(replicas.address(a).toString());
    assertThat(TestServer.json(toA).get("model_name").asText()).isEqualTo("a");
    assertThat(toB.headers().get("x-serval-upstream")).isEqualTo(replicas.address(b).toString());
    assertThat(replicas.client.get("/v2/models/b/ready").status()).isEqualTo(HttpStatus.OK);
    assertThat(TestServer.json(replicas.client.get("/v2/models/a")).get("name").asText())
        .isEqualTo("a");
  }

  @Test
  void answersNotFoundForAModelNoReplicaServes() {
    replicas = new Replicas(dir);
    replicas.start("a");
    replicas.startGateway(g -> { });

    AggregatedHttpResponse response = replicas.infer("nope");

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(TestServer.error(response)).contains("'nope'", "/gateway/upstreams");
  }

  @Test
  void spreadsLoadOverTheReplicasThatServeTheModel() {
    replicas = new Replicas(dir);
    for (int i = 0; i < 3; i++) {
      replicas.start("m");
    }
    replicas.startGateway(g -> { });

    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      AggregatedHttpResponse response = replicas.infer("m");
      assertThat(response.status()).isEqualTo(HttpStatus.OK);
      served.merge(response.headers().get("x-serval-upstream"), 1, Integer::sum);
    }

    assertThat(served).hasSize(3);
    assertThat(served.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(5));
  }

  @Test
  void routesAVersionToTheReplicasThatHaveIt() {
    replicas = new Replicas(dir);
    replicas.start("other");
    int withM = replicas.start("m");
    replicas.startGateway(g -> { });

    AggregatedHttpResponse response = replicas.post("/v2/models/m/versions/1/infer",
        Replicas.REQUEST);
    AggregatedHttpResponse missing = replicas.post("/v2/models/m/versions/7/infer",
        Replicas.REQUEST);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.headers().get("x-serval-upstream"))
        .isEqualTo(replicas.address(withM).toString());
    assertThat(missing.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(TestServer.error(missing)).contains("no healthy replica has it READY");
  }

  @Test
  void answersItsOwnHealthStatusPageAndMergedRepositoryIndex() {
    replicas = new Replicas(dir);
    replicas.start("a", "shared");
    replicas.start("b", "shared");
    replicas.startGateway(g -> { });

    assertThat(replicas.client.get("/v2/health/live").status()).isEqualTo(HttpStatus.OK);
    assertThat(replicas.client.get("/v2/health/ready").status()).isEqualTo(HttpStatus.OK);
    JsonNode index = TestServer.json(replicas.post("/v2/repository/index", "{}"));
    assertThat(TestServer.names(index)).containsExactly("a", "b", "shared");
    JsonNode upstreams = TestServer.json(replicas.client.get(Gateway.STATUS_PATH))
        .get("upstreams");
    assertThat(upstreams).hasSize(2);
    JsonNode first = upstreams.get(0);
    assertThat(first.get("address").asText()).isEqualTo(replicas.address(0).toString());
    assertThat(first.get("healthy").asBoolean()).isTrue();
    assertThat(first.get("circuit").asText()).isEqualTo("CLOSED");
    assertThat(first.get("in_flight").asInt()).isZero();
    assertThat(TestServer.names(first.get("models"))).containsExactly("a", "shared");
  }

  @Test
  void notReadyWithoutAHealthyReplica() {
    replicas = new Replicas(dir);
    replicas.start("m");
    replicas.kill(0);
    replicas.startGateway(g -> { });

    assertThat(replicas.client.get("/v2/health/ready").status())
        .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(replicas.client.get("/v2/health/live").status()).isEqualTo(HttpStatus.OK);
    assertThat(replicas.status(0).lastError()).isNotBlank();
  }

  @Test
  void passesTheRequestIdOnToTheReplicaAndBackOrMakesOne() {
    replicas = new Replicas(dir);
    replicas.start("m");
    // A second gateway in front of the first sees what the first sends its upstream.
    ConcurrentLinkedQueue<String> seenUpstream = new ConcurrentLinkedQueue<>();
    replicas.startGateway(g -> g.decorator((delegate, ctx, req) -> {
      seenUpstream.add(String.valueOf(req.headers().get("x-request-id")));
      return delegate.serve(ctx, req);
    }));
    try (Replicas front = new Replicas(dir.resolve("front"))) {
      Gateway outer = Gateway.builder().port(0)
          .upstreams(List.of(new UpstreamAddress("127.0.0.1", replicas.gateway.port())))
          .meterRegistry(front.meters)
          .requestIds(() -> "made-by-the-gateway")
          .build();
      outer.start();
      try {
        BlockingWebClient client = WebClient.of("http://127.0.0.1:" + outer.port()).blocking();
        AggregatedHttpResponse given = client.execute(RequestHeaders.builder(HttpMethod.POST,
                "/v2/models/m/infer").contentType(MediaType.JSON_UTF_8)
            .set("x-request-id", "client-42").build(), Replicas.REQUEST);
        AggregatedHttpResponse made = client.execute(RequestHeaders.builder(HttpMethod.POST,
            "/v2/models/m/infer").contentType(MediaType.JSON_UTF_8).build(), Replicas.REQUEST);

        assertThat(given.status()).as(given.contentUtf8()).isEqualTo(HttpStatus.OK);
        assertThat(given.headers().get("x-request-id")).isEqualTo("client-42");
        assertThat(made.headers().get("x-request-id")).isEqualTo("made-by-the-gateway");
        assertThat(seenUpstream).contains("client-42", "made-by-the-gateway");
      } finally {
        outer.close();
      }
    }
  }
}
