package dev.serval.server.management;

import static dev.serval.server.management.ManagementServer.error;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown fields and parameters, bad numbers and bad names are 400 with a message that names them. */
class StrictInputTest {
  private static final byte[] MLP = SampleModels.mlp(4, new int[] {8}, 3, 1);

  @TempDir Path dir;
  private ManagementServer server;

  @BeforeEach
  void start() throws IOException {
    server = ManagementServer.start(dir, 1 << 20);
    server.push("m", "?wait=true", MLP);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void unknownQueryParameterIsRefusedOnEveryManagementRoute() {
    List<Function<String, AggregatedHttpResponse>> calls = List.of(
        query -> server.get("/api/v1/models" + query),
        query -> server.get("/api/v1/models/m" + query),
        query -> server.get("/api/v1/models/m/versions" + query),
        query -> server.get("/api/v1/models/m/versions/1" + query),
        query -> server.delete("/api/v1/models/m/versions/1" + query),
        query -> server.delete("/api/v1/models/m" + query),
        query -> server.push("m", query, MLP),
        query -> server.put("/api/v1/models/m/aliases/prod" + query, "{\"version\": 1}"),
        query -> server.delete("/api/v1/models/m/aliases/prod" + query),
        query -> server.put("/api/v1/models/m/tags/team" + query, "{\"value\": \"a\"}"),
        query -> server.delete("/api/v1/models/m/tags/team" + query),
        query -> server.put("/api/v1/models/m/versions/1/tags/k" + query, "{\"value\": \"a\"}"),
        query -> server.delete("/api/v1/models/m/versions/1/tags/k" + query),
        query -> server.get("/api/v1/openapi.json" + query));

    for (Function<String, AggregatedHttpResponse> call : calls) {
      AggregatedHttpResponse response = call.apply("?colour=red");

      assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
      assertThat(error(response)).contains("'colour'", "expected one of");
    }
    assertThat(error(server.get("/api/v1/models?colour=red")))
        .contains("prefix", "tag", "limit", "after");
    assertThat(ManagementServer.json(server.get("/api/v1/models/m")).get("aliases").size())
        .isZero();
  }

  @Test
  void unknownJsonFieldIsRefusedListingTheAcceptedOnes() {
    AggregatedHttpResponse alias =
        server.put("/api/v1/models/m/aliases/prod", "{\"version\": 1, \"colour\": \"red\"}");
    AggregatedHttpResponse tag =
        server.put("/api/v1/models/m/tags/team", "{\"val\": \"search\"}");

    assertThat(alias.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(alias)).isEqualTo(
        "unknown field 'colour' in alias request; expected one of [version]");
    assertThat(tag.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(tag)).isEqualTo("unknown field 'val' in tag request; expected one of [value]");
  }

  @Test
  void missingOrMistypedJsonFieldIsRefusedByName() {
    AggregatedHttpResponse missing = server.put("/api/v1/models/m/aliases/prod", "{}");
    AggregatedHttpResponse mistyped =
        server.put("/api/v1/models/m/aliases/prod", "{\"version\": \"one\"}");

    assertThat(missing.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(missing)).contains("'version'");
    assertThat(mistyped.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(mistyped)).contains("field 'version'");
  }

  @Test
  void timeoutIsCheckedWithoutWait() {
    for (String timeout : List.of("0", "3601", "soon")) {
      AggregatedHttpResponse response = server.push("t", "?timeout_seconds=" + timeout, MLP);

      assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
      assertThat(error(response)).contains("'timeout_seconds'", "1..3600", timeout);
    }
    assertThat(server.get("/api/v1/models/t").status()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void badNamesAreRefusedNamingTheValue() {
    assertBadRequest(server.push("a%2Fb", "", MLP), "model name", "'a/b'");
    assertBadRequest(server.push("x".repeat(129), "", MLP), "model name", "(129 characters)");
    assertBadRequest(server.get("/api/v1/models/.hidden"), "model name", "'.hidden'");
    assertBadRequest(
        server.put("/api/v1/models/m/aliases/a%20b", "{\"version\": 1}"), "alias", "'a b'");
    assertBadRequest(
        server.put("/api/v1/models/m/tags/..k", "{\"value\": \"v\"}"), "tag key", "'..k'");
    assertBadRequest(
        server.put("/api/v1/models/m/tags/k", "{\"value\": \"a\\u0007b\"}"), "tag value",
        "'a\\u0007b'");
    assertBadRequest(server.push("m", "?tag=k%0A=v", MLP), "tag key", "'k\\u000a'");
  }

  @Test
  void dotSegmentsAndControlCharactersAreRefusedBeforeRouting() throws IOException {
    for (String target : List.of("/api/v1/models/..", "/api/v1/models/%2E%2E",
        "/api/v1/models/a%00b", "/api/v1/models/a%0Ab", "/api/v1/models?prefix=a%01b")) {
      assertThat(rawGet(target)).as(target)
          .startsWith("HTTP/1.1 400 ").contains("{\"error\":\"Invalid request path\"}");
    }
  }

  /** Armeria's client refuses to send some of these paths, so they go over a plain socket. */
  private String rawGet(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertBadRequest(AggregatedHttpResponse response, String... parts) {
    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(response)).contains(parts);
  }
}
