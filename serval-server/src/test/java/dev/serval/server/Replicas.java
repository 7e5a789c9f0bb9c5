package dev.serval.server;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.serval.gateway.Gateway;
import dev.serval.gateway.UpstreamAddress;
import dev.serval.gateway.UpstreamStatus;
import dev.serval.runtime.onnx.SampleModels;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Real Serval replicas on ephemeral ports, each over its own model repository with the same small
 * MLP under the names it is given, and a real gateway in front of them.
 */
final class Replicas implements AutoCloseable {
  static final byte[] MLP = SampleModels.mlp(4, new int[] {8}, 3, 1);
  static final String REQUEST =
      TestServer.inferRequest("input", "FP32", "[1, 4]", "[0.1, 0.2, 0.3, 0.4]");

  private final Path dir;
  private final List<Path> repositories = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final List<TestServer> servers = new ArrayList<>();
  final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  Gateway gateway;
  BlockingWebClient client;
  private LocalClient connections;

  Replicas(Path dir) {
    this.dir = dir;
  }

  /** Starts a replica serving {@code models}; returns its index. */
  int start(String... models) {
    Path repository = dir.resolve("replica" + repositories.size());
    try {
      Files.createDirectories(repository);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String model : models) {
      TestServer.writeModel(repository, model, 1, MLP);
    }
    repositories.add(repository);
    TestServer server = startServer(repository, 0);
    servers.add(server);
    ports.add(server.server.port());
    return servers.size() - 1;
  }

  /**
   * Closes the replica at once: requests in flight on it are cut off, as when its process dies.
   */
  void kill(int replica) {
    servers.get(replica).close();
  }

  /** Starts the replica again on its old port. */
  void restart(int replica) {
    servers.set(replica, startServer(repositories.get(replica), ports.get(replica)));
  }

  UpstreamAddress address(int replica) {
    return new UpstreamAddress("127.0.0.1", ports.get(replica));
  }

  /** Starts the gateway in front of every replica started so far. */
  Gateway startGateway(Consumer<Gateway.Builder> settings) {
    List<UpstreamAddress> upstreams = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      upstreams.add(address(i));
    }
    Gateway.Builder builder = Gateway.builder().port(0).upstreams(upstreams).meterRegistry(meters);
    settings.accept(builder);
    gateway = builder.build();
    gateway.start();
    connections = LocalClient.of(gateway.port());
    client = connections.blocking();
    return gateway;
  }

  AggregatedHttpResponse infer(String model) {
    return post("/v2/models/" + model + "/infer", REQUEST);
  }

  AggregatedHttpResponse post(String path, String json) {
    return client.execute(
        RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON_UTF_8).build(),
        json);
  }

  UpstreamStatus status(int replica) {
    return gateway.upstreams().get(replica);
  }

  double counter(String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private static TestServer startServer(Path repository, int port) {
    // Graceful shutdown of 1 ms: closing cuts off what is in flight, like a crash.
    return TestServer.start(repository,
        b -> b.port(port).gracefulShutdown(Duration.ofMillis(1), Duration.ofMillis(1)));
  }

  @Override
  public void close() {
    if (gateway != null) {
      connections.close();
      gateway.close();
    }
    servers.forEach(TestServer::close);
  }
}
