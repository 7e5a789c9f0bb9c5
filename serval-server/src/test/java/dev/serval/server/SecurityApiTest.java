package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.core.DataType;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.security.AuditEntry;
import dev.serval.security.RateLimit;
import dev.serval.security.RateLimiter;
import dev.serval.security.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys, roles, scopes, limits and the audit log over REST, on a real server. */
class SecurityApiTest {
  private static final String MLP_INFER = "/v2/models/mlp/infer";
  private static final String MLP_REQUEST =
      TestServer.inferRequest("input", DataType.FP32, "[1, 8]", "[1, 2, 3, 4, 5, 6, 7, 8]");

  @TempDir static Path dir;
  private static SecuredServer secured;
  private static String admin;
  private static String inference;

  @BeforeAll
  static void start() throws IOException {
    Path repository = dir.resolve("repository");
    TestServer.writeModel(repository, "mlp", 1, SampleModels.mlp(8, new int[] {16}, 3, 1));
    TestServer.writeModel(repository, "other", 1, SampleModels.mlp(8, new int[] {16}, 3, 2));
    TestServer.writeModel(repository, "limited", 1, SampleModels.mlp(8, new int[] {16}, 3, 3));
    // A request waits here for 2 s for others to join its batch.
    TestServer.writeModel(repository, "slow", 1, SampleModels.identity(DataType.FP32, -1, 2));
    TestServer.writeConfig(repository, "slow", "{\"max_batch_size\": 8, \"dynamic_batching\":"
        + " {\"max_queue_delay_microseconds\": 2000000}}");
    secured = SecuredServer.start(dir, repository, true,
        s -> s.rateLimiter(RateLimiter.builder().model("limited", new RateLimit(1.0 / 60, 1))
            .build()).maxConcurrentRequests(1),
        b -> { });
    admin = secured.key("ops", Role.ADMIN);
    inference = secured.key("app", Role.INFERENCE);
  }

  @AfterAll
  static void stop() {
    secured.close();
  }

  @Test
  void rejectsARequestWithoutAKeySayingHowToSendOne() {
    AggregatedHttpResponse response = secured.post(MLP_INFER, MLP_REQUEST, null);

    assertThat(response.status().code()).isEqualTo(401);
    assertThat(response.headers().get("www-authenticate")).isEqualTo("Bearer");
    assertThat(TestServer.error(response)).contains("requires an API key")
        .contains("Authorization: Bearer <key>").contains("x-api-key");
  }

  @Test
  void rejectsMalformedAndUnknownKeys() {
    assertThat(TestServer.error(secured.get("/v2/models/mlp", "secret"))).contains("malformed");
    AggregatedHttpResponse unknown =
        secured.get("/v2/models/mlp", "sv_0123456789abcdef_" + "A".repeat(43));
    assertThat(unknown.status().code()).isEqualTo(401);
    assertThat(TestServer.error(unknown)).contains("not valid");
  }

  @Test
  void keepsProbesAndMetricsOpen() {
    assertThat(secured.get("/v2/health/live", null).status().code()).isEqualTo(200);
    assertThat(secured.get("/v2/health/ready", null).status().code()).isEqualTo(200);
    assertThat(secured.get("/metrics", null).status().code()).isEqualTo(200);
  }

  @Test
  void anInferenceKeyInfersAndReadsButMayNotChangeModels() {
    assertThat(secured.post(MLP_INFER, MLP_REQUEST, inference).status().code()).isEqualTo(200);
    assertThat(secured.get("/v2/models/mlp", inference).status().code()).isEqualTo(200);

    AggregatedHttpResponse load =
        secured.post("/v2/repository/models/mlp/load", "{}", inference);
    assertThat(load.status().code()).isEqualTo(403);
    assertThat(TestServer.error(load)).contains("role inference").contains("deployer");
  }

  @Test
  void acceptsTheKeyInTheXApiKeyHeader() {
    AggregatedHttpResponse response = secured.server.blocking.execute(
        RequestHeaders.builder(HttpMethod.GET, "/v2/models/mlp").set("x-api-key", inference)
            .build());

    assertThat(response.status().code()).isEqualTo(200);
  }

  @Test
  void aScopedKeyAddressesOnlyItsModels() {
    String scoped = secured.key("mlp-only", Role.DEPLOYER, "mlp");

    assertThat(secured.post(MLP_INFER, MLP_REQUEST, scoped).status().code()).isEqualTo(200);
    AggregatedHttpResponse other =
        secured.post("/v2/models/other/infer", MLP_REQUEST, scoped);
    assertThat(other.status().code()).isEqualTo(403);
    assertThat(TestServer.error(other)).contains("limited to models [mlp]")
        .contains("'other'");
    assertThat(secured.post("/v2/repository/index", "{}", scoped).status().code())
        .isEqualTo(403);
    assertThat(secured.get("/api/v1/models", scoped).status().code()).isEqualTo(403);
  }

  @Test
  void aRevokedKeyIsRefusedAtOnce() {
    String key = secured.key("short-lived", Role.INFERENCE);
    assertThat(secured.get("/v2/models/mlp", key).status().code()).isEqualTo(200);
    String id = key.substring(3, key.indexOf('_', 3));

    assertThat(secured.delete("/api/v1/keys/" + id, admin).status().code()).isEqualTo(200);

    AggregatedHttpResponse refused = secured.get("/v2/models/mlp", key);
    assertThat(refused.status().code()).isEqualTo(401);
    assertThat(TestServer.error(refused)).contains("was revoked");
  }

  @Test
  void aKeyOverItsRateLimitGets429WithRetryAfter() {
    String throttled = secured.key("throttled", Role.INFERENCE, List.of(),
        Optional.of(new RateLimit(1.0 / 60, 1)));
    assertThat(secured.post(MLP_INFER, MLP_REQUEST, throttled).status().code()).isEqualTo(200);

    AggregatedHttpResponse refused = secured.post(MLP_INFER, MLP_REQUEST, throttled);

    assertThat(refused.status().code()).isEqualTo(429);
    assertThat(Long.parseLong(refused.headers().get("retry-after"))).isBetween(1L, 60L);
    assertThat(TestServer.error(refused)).contains("rate limit of")
        .contains("API key 'throttled'").contains("retry after");
  }

  @Test
  void aModelOverItsRateLimitGets429WhicheverKeyCalls() {
    String first = secured.key("first", Role.INFERENCE);
    String second = secured.key("second", Role.INFERENCE);
    String limited = "/v2/models/limited/infer";
    assertThat(secured.post(limited, MLP_REQUEST, first).status().code()).isEqualTo(200);

    AggregatedHttpResponse refused = secured.post(limited, MLP_REQUEST, second);

    assertThat(refused.status().code()).isEqualTo(429);
    assertThat(TestServer.error(refused)).contains("model 'limited'");
    assertThat(secured.post(MLP_INFER, MLP_REQUEST, second).status().code()).isEqualTo(200);
  }

  @Test
  void aKeyWithTooManyInferencesInFlightGets429() {
    String key = secured.key("busy", Role.INFERENCE);
    String slow = TestServer.inferRequest("x", DataType.FP32, "[1, 2]", "[1, 2]");
    CompletableFuture<AggregatedHttpResponse> waiting =
        secured.postAsync("/v2/models/slow/infer", slow, key);
    await().atMost(Duration.ofSeconds(10)).until(() -> secured.server.queueDepth("slow") == 1);

    AggregatedHttpResponse refused = secured.post(MLP_INFER, MLP_REQUEST, key);

    assertThat(refused.status().code()).isEqualTo(429);
    assertThat(refused.headers().get("retry-after")).isEqualTo("1");
    assertThat(TestServer.error(refused)).contains("more than 1 concurrent requests");
    assertThat(waiting.join().status().code()).isEqualTo(200);
    assertThat(secured.post(MLP_INFER, MLP_REQUEST, key).status().code()).isEqualTo(200);
  }

  @Test
  void anAdminCreatesListsAndRevokesKeysThroughTheApi() {
    AggregatedHttpResponse created = secured.post("/api/v1/keys",
        "{\"name\": \"ci\", \"role\": \"deployer\", \"models\": [\"mlp\"],"
            + " \"rate_limit\": \"5/s:10\"}", admin);
    assertThat(created.status().code()).isEqualTo(201);
    JsonNode key = TestServer.json(created);
    assertThat(key.path("token").asText()).startsWith("sv_" + key.path("id").asText() + "_");
    assertThat(key.path("role").asText()).isEqualTo("deployer");
    assertThat(key.path("rate_limit").asText()).isEqualTo("5/s:10");
    assertThat(key.path("created_by").asText()).contains("ops");

    JsonNode list = TestServer.json(secured.get("/api/v1/keys", admin));
    assertThat(list.path("keys").findValuesAsText("name")).contains("ci", "ops");
    assertThat(list.toString()).doesNotContain(key.path("token").asText());

    String token = key.path("token").asText();
    assertThat(secured.post(MLP_INFER, MLP_REQUEST, token).status().code()).isEqualTo(200);
    JsonNode revoked = TestServer.json(
        secured.delete("/api/v1/keys/" + key.path("id").asText(), admin));
    assertThat(revoked.path("revoked").isTextual()).isTrue();
    assertThat(secured.post(MLP_INFER, MLP_REQUEST, token).status().code()).isEqualTo(401);
  }

  @Test
  void onlyAdminsManageKeysAndReadTheAuditLog() {
    String deployer = secured.key("deployer", Role.DEPLOYER);

    assertThat(secured.get("/api/v1/keys", deployer).status().code()).isEqualTo(403);
    assertThat(secured.post("/api/v1/keys", "{\"name\": \"x\", \"role\": \"admin\"}", deployer)
        .status().code()).isEqualTo(403);
    assertThat(secured.get("/api/v1/audit", inference).status().code()).isEqualTo(403);
  }

  @Test
  void auditsManagementWritesWithActorTargetAndOutcome() {
    String deployer = secured.key("pusher", Role.DEPLOYER);
    byte[] artifact = SampleModels.mlp(4, new int[] {8}, 3, 9);

    assertThat(secured.push("audited", artifact, deployer).status().code()).isEqualTo(201);
    assertThat(secured.server.blocking.execute(
        RequestHeaders.builder(HttpMethod.PUT, "/api/v1/models/audited/aliases/production")
            .set("authorization", "Bearer " + deployer)
            .contentType(com.linecorp.armeria.common.MediaType.JSON_UTF_8).build(),
        "{\"version\": 1}").status().code()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> !secured.audited("aliases.set").isEmpty());
    AuditEntry push = secured.audited("models.push").get(0);
    assertThat(push.event().actor().name()).isEqualTo("pusher");
    assertThat(push.event().model()).isEqualTo("audited");
    assertThat(push.event().version()).isEqualTo(1);
    assertThat(push.event().outcome()).isEqualTo(201);
    assertThat(push.event().remoteAddress()).isEqualTo("127.0.0.1");
    AuditEntry alias = secured.audited("aliases.set").get(0);
    assertThat(alias.event().detail()).isEqualTo("alias=production");

    JsonNode page = TestServer.json(
        secured.get("/api/v1/audit?model=audited&actor=pusher&limit=1", admin));
    assertThat(page.path("entries")).hasSize(1);
    assertThat(page.path("entries").get(0).path("action").asText()).isEqualTo("aliases.set");
    JsonNode older = TestServer.json(secured.get("/api/v1/audit?model=audited&after="
        + page.path("next").asText(), admin));
    assertThat(older.path("entries").findValuesAsText("action")).containsExactly("models.push");
  }

  @Test
  void auditsRefusedManagementCalls() {
    assertThat(secured.delete("/api/v1/models/mlp", null).status().code()).isEqualTo(401);
    assertThat(secured.post("/api/v1/keys", "{\"name\": \"x\", \"role\": \"admin\"}", inference)
        .status().code()).isEqualTo(403);

    await().atMost(Duration.ofSeconds(10)).until(() ->
        !secured.audited("models.delete").isEmpty() && !secured.audited("keys.create").isEmpty());
    AuditEntry delete = secured.audited("models.delete").get(0);
    assertThat(delete.event().actor().id()).isEqualTo("unauthenticated");
    assertThat(delete.event().outcome()).isEqualTo(401);
    assertThat(secured.audited("keys.create")).anySatisfy(e -> {
      assertThat(e.event().actor().name()).isEqualTo("app");
      assertThat(e.event().outcome()).isEqualTo(403);
    });
  }
}
