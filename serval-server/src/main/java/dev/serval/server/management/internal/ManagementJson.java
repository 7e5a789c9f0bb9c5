package dev.serval.server.management.internal;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.registry.Lineage;
import dev.serval.registry.ModelRecord;
import dev.serval.registry.Page;
import dev.serval.registry.VersionRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/** The JSON of the management API: snake_case fields, unknown fields refused. */
public final class ManagementJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private ManagementJson() {}

  /** The body of {@code PUT .../aliases/{alias}}. */
  public record AliasRequest(int version) {}

  public static byte[] model(ModelRecord model) {
    return write(ModelJson.of(model));
  }

  public static byte[] version(VersionRecord version) {
    return write(VersionJson.of(version));
  }

  public static byte[] models(Page<ModelRecord> page) {
    return write(new ModelList(page.items().stream().map(ModelJson::of).toList(), page.next()));
  }

  public static byte[] versions(Page<VersionRecord> page) {
    return write(
        new VersionList(page.items().stream().map(VersionJson::of).toList(), page.next()));
  }

  /**
   * @throws InvalidInputException naming the field when the body is not a {@code type}
   */
  public static <T> T read(byte[] body, Class<T> type, String what) {
    if (body.length == 0) {
      throw new InvalidInputException(what + " must not be empty");
    }
    try {
      return MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidInputException(
          "unknown field '" + e.getPropertyName() + "' in " + what, e);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("invalid " + what + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException("unreadable " + what + ": " + e.getMessage(), e);
    }
  }

  private static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("management records always serialise", e);
    }
  }

  private static String instant(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  record ModelList(List<ModelJson> models, String next) {}

  record VersionList(List<VersionJson> versions, String next) {}

  record ModelJson(
      String name,
      String description,
      SortedMap<String, String> tags,
      SortedMap<String, Integer> aliases,
      String created) {
    static ModelJson of(ModelRecord m) {
      return new ModelJson(m.name(), m.description(), m.tags(), m.aliases(), instant(m.created()));
    }
  }

  record VersionJson(
      String model,
      int version,
      String state,
      String reason,
      String sha256,
      long sizeBytes,
      @JsonRawValue String signature,
      String description,
      SortedMap<String, String> tags,
      LineageJson lineage,
      String created,
      String updated) {
    static VersionJson of(VersionRecord v) {
      return new VersionJson(v.model(), v.version(), v.state().name(), v.reason(), v.sha256(),
          v.sizeBytes(), v.signatureJson(), v.description(), v.tags(),
          LineageJson.of(v.lineage()), instant(v.created()), instant(v.updated()));
    }
  }

  record LineageJson(
      String parentModel,
      Integer parentVersion,
      String jobId,
      String transform,
      @JsonRawValue String settings) {
    static LineageJson of(Lineage l) {
      return l == null ? null
          : new LineageJson(l.parentModel(), l.parentVersion(), l.jobId(), l.transform(),
              l.settingsJson());
    }
  }
}
