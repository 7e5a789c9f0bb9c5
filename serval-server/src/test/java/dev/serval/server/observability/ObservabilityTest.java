package dev.serval.server.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.serval.server.api.RequestAttributes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The decorator on a plain Armeria server, as the gateway uses it: health probes left out of the
 * access log, the key set by an inner (authentication) decorator, ids passed on to upstreams.
 */
class ObservabilityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  private static final Observability OBSERVED =
      Observability.builder()
          .accessLog(AccessLog.builder().stream(LOG).excludeHealth(true).build())
          .metrics(METERS, model -> model.equals("known"))
          .build();

  @RegisterExtension
  static final ServerExtension server =
      new ServerExtension() {
        @Override
        protected void configure(ServerBuilder sb) {
          sb.service("/v2/health/live", (ctx, req) -> HttpResponse.of(HttpStatus.OK));
          sb.service("/models/{model}", (ctx, req) -> HttpResponse.of(HttpStatus.OK));
          // The upstream is this server itself: /echo answers with the id it received.
          sb.service("/echo", (ctx, req) -> HttpResponse.of(
              req.headers().get(RequestAttributes.REQUEST_ID_HEADER, "(none)")));
          sb.service("/forward", (ctx, req) -> upstream(ctx).get("/echo"));
          // What authentication does: it learns the key before the handler runs.
          sb.decorator((delegate, ctx, req) -> {
            String key = req.headers().get("key", "none");
            if (key.equals("revoked")) {
              return HttpResponse.of(HttpStatus.UNAUTHORIZED);
            }
            ctx.setAttr(RequestAttributes.KEY_ID, key);
            if (ctx.pathParams().containsKey("model")) {
              ctx.setAttr(RequestAttributes.MODEL, ctx.pathParam("model"));
            }
            return delegate.serve(ctx, req);
          });
          sb.decorator(OBSERVED.decorator());
        }
      };

  private static WebClient upstream(ServiceRequestContext ctx) {
    InetSocketAddress self = ctx.localAddress();
    return WebClient.builder("http://127.0.0.1:" + self.getPort())
        .decorator(RequestIds.propagate())
        .build();
  }

  @AfterAll
  static void close() {
    OBSERVED.close();
  }

  @Test
  void leavesHealthProbesOutOfTheAccessLogWhenAsked() {
    call("/v2/health/live", "health-1", "k1");
    call("/models/known", "after-health-1", "k1");

    await().until(() -> ids().contains("after-health-1"));
    assertThat(ids()).doesNotContain("health-1");
  }

  @Test
  void tagsRequestsWithTheKeyAndOnlyKnownModels() {
    call("/models/known", "key-1", "alice");
    call("/models/invented", "key-2", "alice");

    await().untilAsserted(() -> {
      assertThat(count("known", "alice")).isEqualTo(1);
      assertThat(count("unknown", "alice")).isEqualTo(1);
    });
    await().until(() -> ids().contains("key-2"));
    assertThat(line("key-1").get("key_id").asText()).isEqualTo("alice");
    assertThat(line("key-2").get("model").asText()).isEqualTo("invented");
  }

  @Test
  void logsAndEchoesRequestsThatAnInnerDecoratorRefuses() {
    AggregatedHttpResponse refused = call("/models/known", "refused-1", "revoked");

    assertThat(refused.status()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(refused.headers().get(RequestAttributes.REQUEST_ID_HEADER)).isEqualTo("refused-1");
    await().until(() -> ids().contains("refused-1"));
    assertThat(line("refused-1").get("status").asInt()).isEqualTo(401);
  }

  @Test
  void passesTheRequestIdOnToUpstreamCalls() {
    String seenUpstream = call("/forward", "forward-1", "k1").contentUtf8();

    assertThat(seenUpstream).isEqualTo("forward-1");
  }

  private static AggregatedHttpResponse call(String path, String requestId, String key) {
    BlockingWebClient client = server.blockingWebClient();
    return client.execute(RequestHeaders.builder(HttpMethod.GET, path)
        .set(RequestAttributes.REQUEST_ID_HEADER, requestId)
        .set("key", key)
        .set(HttpHeaderNames.USER_AGENT, "test")
        .build());
  }

  private static double count(String model, String key) {
    return METERS.find("serval.api.requests").tags("model", model, "key", key).counters()
        .stream().mapToDouble(c -> c.count()).sum();
  }

  private static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (JsonNode line : lines()) {
      ids.add(line.get("request_id").asText());
    }
    return ids;
  }

  private static JsonNode line(String requestId) {
    return lines().stream()
        .filter(line -> line.get("request_id").asText().equals(requestId))
        .findFirst()
        .orElseThrow();
  }

  private static List<JsonNode> lines() {
    String text;
    synchronized (LOG) {
      text = LOG.toString(StandardCharsets.UTF_8);
    }
    List<JsonNode> lines = new ArrayList<>();
    try {
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          lines.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }
}
