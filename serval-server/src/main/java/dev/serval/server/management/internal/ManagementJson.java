package dev.serval.server.management.internal;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.registry.DeploymentRecord;
import dev.serval.registry.DeploymentSpec;
import dev.serval.registry.Lineage;
import dev.serval.registry.ModelRecord;
import dev.serval.registry.Page;
import dev.serval.registry.VersionRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The JSON of the management API: snake_case fields, unknown and missing fields refused. */
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

  /**
   * A request body with required fields. They are checked after reading, since Jackson builds a
   * record before it reports the unknown fields, and a misspelt field is better named as such.
   */
  interface RequestBody {
    /** @return the name of the first required field that is missing, if any */
    Optional<String> missingField();
  }

  /** The body of {@code PUT .../aliases/{alias}}. */
  public record AliasRequest(Integer version) implements RequestBody {
    @Override
    public Optional<String> missingField() {
      return version == null ? Optional.of("version") : Optional.empty();
    }
  }

  /** The body of {@code PUT .../tags/{key}}. */
  public record TagRequest(String value) implements RequestBody {
    @Override
    public Optional<String> missingField() {
      return value == null ? Optional.of("value") : Optional.empty();
    }
  }

  /** The body of {@code PATCH} on a model or version: its new description. */
  public record DescriptionRequest(String description) implements RequestBody {
    @Override
    public Optional<String> missingField() {
      return description == null ? Optional.of("description") : Optional.empty();
    }
  }

  /** The body of {@code PUT .../deployment}: version number to traffic weight, and a shadow. */
  public record DeployRequest(SortedMap<Integer, Integer> weights, Integer shadow)
      implements RequestBody {
    @Override
    public Optional<String> missingField() {
      return weights == null ? Optional.of("weights") : Optional.empty();
    }

    public DeploymentSpec spec() {
      return new DeploymentSpec(weights, shadow);
    }
  }

  /** The body of {@code POST .../deployment/promote}. */
  public record PromoteRequest(Integer version) implements RequestBody {
    @Override
    public Optional<String> missingField() {
      return version == null ? Optional.of("version") : Optional.empty();
    }
  }

  /** The current deployment (null when the newest READY version serves) and recent history. */
  public static byte[] deployment(
      String model, Optional<DeploymentRecord> current, List<DeploymentRecord> history) {
    return write(new DeploymentJson(model, current.map(RevisionJson::of).orElse(null),
        history.stream().map(RevisionJson::of).toList()));
  }

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
    T value = parse(body, type, what);
    if (value instanceof RequestBody request) {
      request.missingField().ifPresent(field -> {
        throw new InvalidInputException("missing field '" + field + "' in " + what);
      });
    }
    return value;
  }

  private static <T> T parse(byte[] body, Class<T> type, String what) {
    try {
      return MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidInputException("unknown field '" + e.getPropertyName() + "' in " + what
          + "; expected one of " + new TreeSet<>(e.getKnownPropertyIds()), e);
    } catch (MismatchedInputException e) {
      throw new InvalidInputException(mismatch(e, what), e);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("invalid " + what + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException("unreadable " + what + ": " + e.getMessage(), e);
    }
  }

  /** Names the field a missing or wrongly typed value belongs to, when there is one. */
  private static String mismatch(MismatchedInputException e, String what) {
    String field = e.getPath().stream()
        .map(JsonMappingException.Reference::getFieldName)
        .filter(Objects::nonNull)
        .collect(Collectors.joining("."));
    return "invalid " + what + (field.isEmpty() ? "" : " field '" + field + "'") + ": "
        + e.getOriginalMessage();
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

  record DeploymentJson(String model, RevisionJson current, List<RevisionJson> history) {}

  record RevisionJson(
      int revision, SortedMap<Integer, Integer> weights, Integer shadow, String note,
      String created) {
    static RevisionJson of(DeploymentRecord d) {
      return d.cleared()
          ? new RevisionJson(d.revision(), null, null, d.note(), instant(d.createdAt()))
          : new RevisionJson(d.revision(), new TreeMap<>(d.spec().weights()), d.spec().shadow(),
              d.note(), instant(d.createdAt()));
    }
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
