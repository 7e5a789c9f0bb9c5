package dev.serval.server.management;

import static dev.serval.server.management.ManagementServer.error;
import static dev.serval.server.management.ManagementServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagsApiTest {
  private static final byte[] MLP = SampleModels.mlp(4, new int[] {8}, 3, 1);

  @TempDir Path dir;
  private ManagementServer server;

  @BeforeEach
  void start() throws IOException {
    server = ManagementServer.start(dir, 1 << 20);
    server.push("m", "?tag=stage=dev", MLP);
    server.push("other", "", MLP);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void setsModelTagsThatTheListFiltersByAndRemovesThem() {
    AggregatedHttpResponse set = server.put("/api/v1/models/m/tags/team", "{\"value\": \"search\"}");
    server.put("/api/v1/models/m/tags/team", "{\"value\": \"ranking\"}");

    assertThat(set.status()).isEqualTo(HttpStatus.OK);
    assertThat(json(set).get("tags").toString()).isEqualTo("{\"team\":\"search\"}");
    JsonNode listed = json(server.get("/api/v1/models?tag=team=ranking")).get("models");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("name").asText()).isEqualTo("m");
    AggregatedHttpResponse removed = server.delete("/api/v1/models/m/tags/team");
    assertThat(removed.status()).isEqualTo(HttpStatus.OK);
    assertThat(json(removed).get("tags").size()).isZero();
    assertThat(server.delete("/api/v1/models/m/tags/team").status()).isEqualTo(HttpStatus.OK);
  }

  @Test
  void setsAndRemovesVersionTagsNextToThosePushed() {
    AggregatedHttpResponse set =
        server.put("/api/v1/models/m/versions/1/tags/owner", "{\"value\": \"ana\"}");

    assertThat(set.status()).isEqualTo(HttpStatus.OK);
    assertThat(json(set).get("tags").toString())
        .isEqualTo("{\"owner\":\"ana\",\"stage\":\"dev\"}");
    AggregatedHttpResponse removed = server.delete("/api/v1/models/m/versions/1/tags/stage");
    assertThat(json(removed).get("tags").toString()).isEqualTo("{\"owner\":\"ana\"}");
    assertThat(json(server.get("/api/v1/models/m/versions/1")).get("tags"))
        .isEqualTo(json(removed).get("tags"));
    assertThat(json(server.get("/api/v1/models/m")).get("tags").size()).isZero();
  }

  @Test
  void tagsOfUnknownModelsOrVersionsAreNotFound() {
    assertThat(server.put("/api/v1/models/nope/tags/k", "{\"value\": \"v\"}").status())
        .isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(server.put("/api/v1/models/m/versions/7/tags/k", "{\"value\": \"v\"}").status())
        .isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(server.delete("/api/v1/models/nope/versions/1/tags/k").status())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void versionTagsNeedAVersionNumber() {
    AggregatedHttpResponse response =
        server.put("/api/v1/models/m/versions/latest/tags/k", "{\"value\": \"v\"}");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(error(response)).isEqualTo("version must be a number >= 1: latest");
  }

  @Test
  void tagNeedsABodyWithAValue() {
    assertThat(error(server.put("/api/v1/models/m/tags/k", ""))).contains("must not be empty");
    assertThat(error(server.put("/api/v1/models/m/tags/k", "{}"))).contains("'value'");
  }
}
