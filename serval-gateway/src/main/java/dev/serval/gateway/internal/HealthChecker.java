package dev.serval.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.RequestOptions;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.gateway.ServedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: every interval each replica is asked whether it is ready ({@code GET
 * /v2/health/ready}) and, when it is, which model versions it serves READY ({@code POST
 * /v2/repository/index}). One failed check takes a replica out of rotation; one good check puts
 * it back with the models it reported.
 */
public final class HealthChecker {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);
  private static final RequestHeaders INDEX = RequestHeaders.builder(HttpMethod.POST,
      "/v2/repository/index").contentType(MediaType.JSON_UTF_8).build();
  private static final byte[] READY_ONLY = "{\"ready\": true}".getBytes(StandardCharsets.UTF_8);

  private final UpstreamPool pool;
  private final RequestOptions options;

  public HealthChecker(UpstreamPool pool, Duration timeout) {
    this.pool = pool;
    this.options = RequestOptions.builder().responseTimeout(timeout).build();
  }

  /** Checks every replica at once; completes when all checks have. */
  public CompletableFuture<Void> checkAll() {
    return CompletableFuture.allOf(
        pool.all().stream().map(this::check).toArray(CompletableFuture[]::new));
  }

  /** Runs {@link #checkAll} every {@code interval} on {@code scheduler}, each after the last. */
  public void schedule(ScheduledExecutorService scheduler, Duration interval) {
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(() -> checkAll().join(), millis, millis,
        TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<Void> check(Upstream upstream) {
    return upstream.client().execute(HttpRequest.of(HttpMethod.GET, "/v2/health/ready"), options)
        .aggregate()
        .thenCompose(ready -> {
          if (ready.status() != HttpStatus.OK) {
            throw new IllegalStateException("not ready (" + ready.status() + ")");
          }
          return upstream.client()
              .execute(HttpRequest.of(INDEX, HttpData.wrap(READY_ONLY)), options).aggregate();
        })
        .handle((index, error) -> {
          update(upstream, index, error);
          return null;
        });
  }

  private static void update(Upstream upstream, AggregatedHttpResponse index, Throwable error) {
    if (error != null) {
      markUnhealthy(upstream, Failures.describe(error));
      return;
    }
    boolean wasHealthy = upstream.isHealthy();
    try {
      upstream.markHealthy(readyModels(index));
    } catch (IOException | RuntimeException e) {
      markUnhealthy(upstream, Failures.describe(e));
      return;
    }
    if (!wasHealthy) {
      log.info("upstream {} is healthy, serving {}", upstream, upstream.status().models());
    }
  }

  private static void markUnhealthy(Upstream upstream, String reason) {
    if (upstream.isHealthy()) {
      log.warn("upstream {} failed its health check: {}", upstream, reason);
    }
    upstream.markUnhealthy(reason);
  }

  private static List<ServedModel> readyModels(AggregatedHttpResponse index) throws IOException {
    if (index.status() != HttpStatus.OK) {
      throw new IllegalStateException("repository index answered " + index.status());
    }
    List<ServedModel> ready = new ArrayList<>();
    for (JsonNode entry : GatewayJson.MAPPER.readTree(index.content().array())) {
      if ("READY".equals(entry.path("state").asText()) && entry.hasNonNull("version")) {
        ready.add(new ServedModel(entry.get("name").asText(), entry.get("version").asText()));
      }
    }
    return ready;
  }
}
