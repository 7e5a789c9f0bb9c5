package dev.serval.bus;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The wire format of an {@link Event}: one JSON object with exactly the fields type, model,
 * version (null for model-wide events), attributes, origin and at (ISO-8601 UTC). Decoding is
 * strict: an unknown or missing field is an error, so that nodes that disagree on the format
 * fail loudly instead of acting on half-understood events.
 */
public final class EventJson {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  private EventJson() {}

  /** UTF-8 JSON. */
  public static byte[] encode(Event event) {
    try {
      return JSON.writeValueAsBytes(Wire.of(event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an event of strings and numbers always serialises", e);
    }
  }

  /** @throws InvalidInputException saying which field is unknown, missing or malformed */
  public static Event decode(byte[] json) {
    Wire wire;
    try {
      wire = JSON.readValue(json, Wire.class);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("invalid event JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException("unreadable event JSON: " + e.getMessage(), e);
    }
    return wire.toEvent();
  }

  @JsonPropertyOrder({"type", "model", "version", "attributes", "origin", "at"})
  private record Wire(
      String type,
      String model,
      Integer version,
      Map<String, String> attributes,
      String origin,
      String at) {

    static Wire of(Event e) {
      return new Wire(
          e.type(), e.model(), e.version(), e.attributes(), e.origin(), e.at().toString());
    }

    Event toEvent() {
      return new Event(type, model, version, attributes, origin, instant(at));
    }

    private static Instant instant(String text) {
      if (text == null) {
        throw new InvalidInputException("event field 'at' must not be null");
      }
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new InvalidInputException(
            "event field 'at' must be an ISO-8601 UTC time like 2025-06-01T12:00:00Z: " + text, e);
      }
    }
  }
}
