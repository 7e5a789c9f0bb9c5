package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.serval.async.AsyncService;
import dev.serval.jobs.DatabaseJobQueue;
import dev.serval.jobs.Jobs;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.security.AuditLog;
import dev.serval.server.management.ManagementApi;
import dev.serval.server.security.ServerSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document describes exactly the routes the server has, so it cannot rot. */
class OpenApiDocumentTest {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  @TempDir static Path dir;
  private static ModelRegistry registry;
  private static TestServer server;
  private static JsonNode document;
  private static Jobs jobs;

  @BeforeAll
  static void start() throws IOException {
    registry = ModelRegistry.builder().dataDir(dir.resolve("data")).build();
    RegistryService service =
        RegistryService.builder()
            .registry(registry)
            .validator(ModelValidator.builder().backend(new OnnxBackend()).build())
            .executor(Runnable::run)
            .build();
    jobs = Jobs.builder().database(registry.database()).jobsDir(dir.resolve("jobs"))
        .queue(new DatabaseJobQueue(registry.database(), Clock.systemUTC(), Duration.ofSeconds(1)))
        .build();
    ServerSecurity security = ServerSecurity.builder()
        .audit(AuditLog.on(registry.database(), Clock.systemUTC()))
        .build();
    server = TestServer.start(Files.createDirectories(dir.resolve("repository")),
        b -> b.registry(registry, service).security(security).jobs(jobs)
            .async(AsyncService.builder().database(registry.database())));
    document = TestServer.json(server.get(ManagementApi.OPENAPI_PATH));
  }

  @AfterAll
  static void stop() {
    server.close();
    jobs.close();
    registry.close();
  }

  @Test
  void isServedAsOpenApi30Json() {
    AggregatedHttpResponse response = server.get(ManagementApi.OPENAPI_PATH);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    assertThat(document.path("openapi").asText()).matches("3\\.0\\.\\d+");
    assertThat(document.path("info").path("title").asText()).isNotBlank();
  }

  @Test
  void documentsEveryServedRouteAndNoOther() {
    Set<String> served = servedRoutes();
    Set<String> documented = documentedRoutes();

    assertThat(documented).as("routes the server serves but the document lacks")
        .containsAll(served);
    assertThat(served).as("routes the document names but the server does not serve")
        .containsAll(documented);
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);

    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }

  @Test
  void everyManagementOperationDocumentsItsErrors() {
    document.path("paths").fields().forEachRemaining(path -> {
      if (path.getKey().startsWith(ManagementApi.PREFIX)) {
        path.getValue().fields().forEachRemaining(operation -> {
          Set<String> codes = new TreeSet<>();
          operation.getValue().path("responses").fieldNames().forEachRemaining(codes::add);
          assertThat(codes).as(operation.getKey() + " " + path.getKey())
              .anyMatch(code -> code.startsWith("4"));
        });
      }
    });
  }

  /** {@code GET /v2/models/{model}} for each method of each route; Armeria writes ":model". */
  private static Set<String> servedRoutes() {
    Set<String> routes = new TreeSet<>();
    for (ServiceConfig config : server.server.armeria().serviceConfigs()) {
      if (config.service().as(GrpcService.class) != null) {
        continue; // gRPC methods are described by their .proto, not by OpenAPI
      }
      Route route = config.route();
      String path = route.patternString().replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "{$1}");
      route.methods().forEach(method -> routes.add(method.name() + " " + path));
    }
    return routes;
  }

  private static Set<String> documentedRoutes() {
    Set<String> routes = new TreeSet<>();
    document.path("paths").fields().forEachRemaining(path ->
        path.getValue().fieldNames().forEachRemaining(method -> {
          if (METHODS.contains(method)) {
            routes.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
          }
        }));
    return routes;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject() && node.has("$ref")) {
      refs.add(node.get("$ref").asText());
    }
    for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
      collectRefs(children.next(), refs);
    }
  }
}
