package dev.serval.jobs.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.core.InvalidInputException;
import dev.serval.registry.Lineage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lineage a job declares for an output model in a JSON file it writes: the version it was
 * derived from, the transform and its settings. The job itself is always recorded too, under
 * {@code settings.job}, so that what the job says cannot hide what ran.
 */
final class LineageFile {
  private static final long MAX_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private LineageFile() {}

  record Declared(String parentModel, Integer parentVersion, String transform,
      JsonNode settings) {}

  /** @param jobLineage the JSON object recorded of the job (name, parameters, command) */
  static Lineage read(Path file, String jobId, String jobLineage) throws IOException {
    if (Files.size(file) > MAX_BYTES) {
      throw new InvalidInputException("lineage file " + file + " is over " + MAX_BYTES
          + " bytes; keep only the settings in it");
    }
    Declared declared;
    try {
      declared = JSON.readValue(file.toFile(), Declared.class);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("lineage file " + file + " must be a JSON object with"
          + " parent_model, parent_version, transform and settings: " + e.getOriginalMessage(), e);
    }
    if (declared.settings() != null && !declared.settings().isObject()) {
      throw new InvalidInputException("lineage file " + file + ": settings must be a JSON object");
    }
    ObjectNode settings = declared.settings() == null ? JSON.createObjectNode()
        : ((ObjectNode) declared.settings()).deepCopy();
    settings.set("job", JSON.readTree(jobLineage));
    return new Lineage(declared.parentModel(), declared.parentVersion(), jobId,
        declared.transform() == null ? "job" : declared.transform(),
        JSON.writeValueAsString(settings));
  }
}
