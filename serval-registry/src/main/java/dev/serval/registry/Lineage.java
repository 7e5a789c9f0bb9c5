package dev.serval.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.registry.internal.Names;

/**
 * Where a version came from. Every field may be null (unknown or not applicable).
 *
 * @param parentModel model of the version it was derived from
 * @param parentVersion that version's number; requires {@code parentModel}
 * @param jobId the job that produced it
 * @param transform what was done, e.g. "quantize-int8"
 * @param settingsJson the transform's or job's settings as a JSON object
 */
public record Lineage(
    String parentModel, Integer parentVersion, String jobId, String transform, String settingsJson) {
  public static final Lineage NONE = new Lineage(null, null, null, null, null);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_SETTINGS = 65536;

  public Lineage {
    if (parentModel != null) {
      Names.checkName("lineage parent model", parentModel);
    }
    if (parentVersion != null && (parentModel == null || parentVersion < 1)) {
      throw new InvalidInputException(
          "lineage parent version must be >= 1 and come with a parent model: " + parentVersion);
    }
    if (jobId != null) {
      Names.checkName("lineage job id", jobId);
    }
    if (transform != null) {
      Names.checkName("lineage transform", transform);
    }
    if (settingsJson != null) {
      checkJsonObject("lineage settings", settingsJson, MAX_SETTINGS);
    }
  }

  /** Derived from {@code parentModel} version {@code parentVersion}. */
  public static Lineage derivedFrom(String parentModel, int parentVersion) {
    return new Lineage(parentModel, parentVersion, null, null, null);
  }

  static void checkJsonObject(String what, String json, int maxLength) {
    if (json.length() > maxLength) {
      throw new InvalidInputException(what + " must be at most " + maxLength + " characters");
    }
    try {
      if (!JSON.readTree(json).isObject()) {
        throw new InvalidInputException(what + " must be a JSON object: " + Names.show(json));
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
