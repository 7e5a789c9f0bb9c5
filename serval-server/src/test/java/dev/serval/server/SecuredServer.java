package dev.serval.server;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.security.Actor;
import dev.serval.security.ApiKeys;
import dev.serval.security.AuditEntry;
import dev.serval.security.AuditLog;
import dev.serval.security.AuditQuery;
import dev.serval.security.NewKey;
import dev.serval.security.RateLimit;
import dev.serval.security.Role;
import dev.serval.server.security.ServerSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A real server with a registry and access control in the registry's database, as {@code serve}
 * wires it; and the calls tests make with a key.
 */
final class SecuredServer implements AutoCloseable {
  final ModelRegistry registry;
  final ApiKeys keys;
  final AuditLog audit;
  final TestServer server;

  private SecuredServer(ModelRegistry registry, ApiKeys keys, AuditLog audit, TestServer server) {
    this.registry = registry;
    this.keys = keys;
    this.audit = audit;
    this.server = server;
  }

  /**
   * @param keysOn whether keys are required
   * @param security adjusts limits
   * @param server adjusts the server (TLS)
   */
  static SecuredServer start(Path dir, Path repository, boolean keysOn,
      Consumer<ServerSecurity.Builder> security, Consumer<ServalServer.Builder> server)
      throws IOException {
    ModelRegistry registry = ModelRegistry.builder().dataDir(dir.resolve("data")).build();
    RegistryService service =
        RegistryService.builder()
            .registry(registry)
            .validator(ModelValidator.builder().backend(new OnnxBackend()).seed(7).build())
            .executor(Runnable::run)
            .build();
    ApiKeys keys = ApiKeys.builder().database(registry.database()).build();
    AuditLog audit = AuditLog.on(registry.database(), Clock.systemUTC());
    ServerSecurity.Builder guard = ServerSecurity.builder().audit(audit);
    if (keysOn) {
      guard.keys(keys);
    }
    security.accept(guard);
    ServerSecurity built = guard.build();
    TestServer started = TestServer.start(Files.createDirectories(repository), b -> {
      b.registry(registry, service).security(built);
      server.accept(b);
    });
    return new SecuredServer(registry, keys, audit, started);
  }

  /** A new key's token. */
  String key(String name, Role role, List<String> models, Optional<RateLimit> rate) {
    return keys.create(new NewKey(name, role, models, rate, Actor.local("test"))).token();
  }

  String key(String name, Role role, String... models) {
    return key(name, role, List.of(models), Optional.empty());
  }

  AggregatedHttpResponse get(String path, String token) {
    return server.blocking.execute(headers(HttpMethod.GET, path, token).build());
  }

  AggregatedHttpResponse delete(String path, String token) {
    return server.blocking.execute(headers(HttpMethod.DELETE, path, token).build());
  }

  AggregatedHttpResponse post(String path, String json, String token) {
    return server.blocking.execute(
        headers(HttpMethod.POST, path, token).contentType(MediaType.JSON_UTF_8).build(), json);
  }

  CompletableFuture<AggregatedHttpResponse> postAsync(String path, String json, String token) {
    return server.client.execute(HttpRequest.of(
        headers(HttpMethod.POST, path, token).contentType(MediaType.JSON_UTF_8).build(),
        HttpData.ofUtf8(json))).aggregate();
  }

  AggregatedHttpResponse push(String model, byte[] artifact, String token) {
    return server.blocking.execute(
        headers(HttpMethod.POST, "/api/v1/models/" + model + "/versions?wait=true", token)
            .contentType(MediaType.OCTET_STREAM).build(),
        artifact);
  }

  /** The newest audit entries for {@code action}. */
  List<AuditEntry> audited(String action) {
    return audit.query(new AuditQuery(null, action, null, null, null, 100)).entries();
  }

  private static RequestHeadersBuilder headers(HttpMethod method, String path, String token) {
    RequestHeadersBuilder headers = RequestHeaders.builder(method, path);
    return token == null ? headers : headers.set("authorization", "Bearer " + token);
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      registry.close();
    }
  }
}
