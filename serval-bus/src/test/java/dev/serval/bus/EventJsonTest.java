package dev.serval.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  private static final Event ALIAS_MOVED = new Event(Event.ALIAS_MOVED, "resnet-50", 3,
      Map.of("alias", "production"), "node-a", Instant.parse("2025-06-01T12:00:00.123456Z"));
  private static final Event MODEL_DELETED = new Event(Event.MODEL_DELETED, "resnet-50", null,
      Map.of(), "node-a", Instant.parse("2025-06-01T12:00:00Z"));

  @Test
  void encodesTheWireFormatOfTheGoldenFiles() throws IOException {
    assertThat(text(EventJson.encode(ALIAS_MOVED))).isEqualTo(golden("alias-moved.json"));
    assertThat(text(EventJson.encode(MODEL_DELETED))).isEqualTo(golden("model-deleted.json"));
  }

  @Test
  void decodesTheGoldenFiles() throws IOException {
    assertThat(decode(golden("alias-moved.json"))).isEqualTo(ALIAS_MOVED);
    assertThat(decode(golden("model-deleted.json"))).isEqualTo(MODEL_DELETED);
  }

  @Test
  void rejectsUnknownFieldsNamingThem() {
    String json = "{\"type\":\"model.deleted\",\"model\":\"m\",\"version\":null,\"attributes\":{},"
        + "\"origin\":\"n\",\"at\":\"2025-06-01T12:00:00Z\",\"priority\":1}";

    assertThatThrownBy(() -> decode(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid event JSON")
        .hasMessageContaining("\"priority\"");
  }

  @Test
  void rejectsMissingFieldsNamingThem() {
    String json = "{\"type\":\"model.deleted\",\"model\":\"m\",\"version\":null,\"attributes\":{},"
        + "\"at\":\"2025-06-01T12:00:00Z\"}";

    assertThatThrownBy(() -> decode(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'origin'");
  }

  @Test
  void rejectsMalformedValuesWithTheFieldName() {
    String badTime = "{\"type\":\"model.deleted\",\"model\":\"m\",\"version\":null,"
        + "\"attributes\":{},\"origin\":\"n\",\"at\":\"yesterday\"}";
    String nullModel = "{\"type\":\"model.deleted\",\"model\":null,\"version\":null,"
        + "\"attributes\":{},\"origin\":\"n\",\"at\":\"2025-06-01T12:00:00Z\"}";

    assertThatThrownBy(() -> decode(badTime))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'at'")
        .hasMessageContaining("yesterday");
    assertThatThrownBy(() -> decode(nullModel))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("event model");
    assertThatThrownBy(() -> decode("[1, 2]")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> decode(golden("model-deleted.json") + "{}"))
        .isInstanceOf(InvalidInputException.class);
  }

  private static Event decode(String json) {
    return EventJson.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }

  private static String golden(String name) {
    try (InputStream in = EventJsonTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
