package dev.serval.serving.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.core.ModelLoadException;
import dev.serval.core.runtime.RuntimeOptions;
import dev.serval.serving.ModelConfig;
import dev.serval.serving.ModelConfig.DynamicBatching;
import dev.serval.serving.ModelConfig.VersionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a model's {@code config.json}. Keys are snake_case as in Triton; an unknown key, a
 * duplicate key or a value of the wrong type or range is an error naming the key and the file.
 */
public final class ModelConfigParser {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private ModelConfigParser() {}

  /**
   * @throws ModelLoadException naming the file and what is wrong in it
   */
  public static ModelConfig read(Path file) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new ModelLoadException(
          file
              + " is not valid JSON: "
              + e.getOriginalMessage()
              + " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    } catch (NoSuchFileException e) {
      throw new ModelLoadException(file + " does not exist");
    } catch (IOException e) {
      throw new ModelLoadException(file + " cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(file + " must hold a JSON object");
    }
    try {
      return parse(new Section(file, "", root));
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(file + ": " + e.getMessage());
    }
  }

  private static ModelConfig parse(Section root) {
    root.requireKnownKeys(
        "name",
        "max_batch_size",
        "dynamic_batching",
        "instance_count",
        "runtime",
        "version_policy");
    String folderName = root.file.toAbsolutePath().getParent().getFileName().toString();
    String name = root.text("name", folderName);
    if (!name.equals(folderName)) {
      throw root.error("name", "is '" + name + "' but the model folder is '" + folderName + "'");
    }
    int instanceCount = root.integer("instance_count", ModelConfig.DEFAULT_INSTANCE_COUNT, 1);
    ModelConfig.Builder builder =
        ModelConfig.builder()
            .maxBatchSize(root.integer("max_batch_size", ModelConfig.DEFAULT_MAX_BATCH_SIZE, 0))
            .instanceCount(instanceCount)
            .dynamicBatching(dynamicBatching(root.section("dynamic_batching")))
            .runtimeOptions(runtimeOptions(root.section("runtime"), instanceCount));
    if (root.has("version_policy")) {
      builder.versionPolicy(versionPolicy(root.section("version_policy")));
    }
    return builder.build();
  }

  private static DynamicBatching dynamicBatching(Section section) {
    section.requireKnownKeys(
        "max_queue_delay_microseconds",
        "preferred_batch_size",
        "max_queue_size",
        "default_timeout_microseconds");
    return new DynamicBatching(
        section.integer(
            "max_queue_delay_microseconds", ModelConfig.DEFAULT_MAX_QUEUE_DELAY_MICROS, 0),
        section.integers("preferred_batch_size", 1),
        section.integer("max_queue_size", ModelConfig.DEFAULT_MAX_QUEUE_SIZE, 1),
        section.integer("default_timeout_microseconds", ModelConfig.DEFAULT_TIMEOUT_MICROS, 0));
  }

  private static RuntimeOptions runtimeOptions(Section section, int instanceCount) {
    section.requireKnownKeys("intra_op_threads", "inter_op_threads", "optimization_level");
    String level = section.text("optimization_level", ModelConfig.DEFAULT_OPTIMIZATION_LEVEL);
    if (!Set.of("none", "basic", "extended", "all").contains(level)) {
      throw section.error(
          "optimization_level", "is '" + level + "'; expected none, basic, extended or all");
    }
    return RuntimeOptions.builder()
        .intraOpThreads(
            section.integer(
                "intra_op_threads", ModelConfig.defaultIntraOpThreads(instanceCount), 0))
        .interOpThreads(
            section.integer("inter_op_threads", ModelConfig.DEFAULT_INTER_OP_THREADS, 0))
        .optimizationLevel(level)
        .build();
  }

  private static VersionPolicy versionPolicy(Section section) {
    section.requireKnownKeys("latest", "all", "specific");
    if (section.node.size() != 1) {
      throw section.error("", "must hold exactly one of latest, all or specific");
    }
    if (section.has("latest")) {
      Section latest = section.section("latest");
      latest.requireKnownKeys("num_versions");
      return VersionPolicy.latest(latest.integer("num_versions", 1, 1));
    }
    if (section.has("all")) {
      section.section("all").requireKnownKeys();
      return VersionPolicy.all();
    }
    Section specific = section.section("specific");
    specific.requireKnownKeys("versions");
    List<Long> versions = new ArrayList<>();
    for (int v : specific.integers("versions", 1)) {
      versions.add((long) v);
    }
    if (versions.isEmpty()) {
      throw specific.error("versions", "must list at least one version");
    }
    return VersionPolicy.specific(versions);
  }

  /** One JSON object of the file, with its dotted path for messages. */
  private static final class Section {
    private final Path file;
    private final String path;
    private final JsonNode node;

    Section(Path file, String path, JsonNode node) {
      this.file = file;
      this.path = path;
      this.node = node;
    }

    boolean has(String key) {
      return node.has(key);
    }

    void requireKnownKeys(String... known) {
      Set<String> allowed = Set.of(known);
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String key = names.next();
        if (!allowed.contains(key)) {
          throw new IllegalArgumentException(
              "unknown key '"
                  + qualified(key)
                  + "'"
                  + (allowed.isEmpty()
                      ? "; it takes no keys"
                      : "; expected one of " + new TreeSet<>(allowed)));
        }
      }
    }

    /** The nested object under {@code key}, or an empty one when the key is absent. */
    Section section(String key) {
      JsonNode child = node.get(key);
      if (child == null) {
        return new Section(file, qualified(key), MAPPER.createObjectNode());
      }
      if (!child.isObject()) {
        throw error(key, "must be a JSON object but was " + child);
      }
      return new Section(file, qualified(key), child);
    }

    long integer(String key, long defaultValue, long min) {
      JsonNode value = node.get(key);
      if (value == null) {
        return defaultValue;
      }
      return checkedInteger(key, value, min);
    }

    int integer(String key, int defaultValue, int min) {
      return (int) integer(key, (long) defaultValue, min);
    }

    List<Integer> integers(String key, int min) {
      JsonNode value = node.get(key);
      if (value == null) {
        return List.of();
      }
      if (!value.isArray()) {
        throw error(key, "must be an array of integers but was " + value);
      }
      List<Integer> result = new ArrayList<>();
      for (JsonNode element : value) {
        result.add((int) checkedInteger(key, element, min));
      }
      return result;
    }

    String text(String key, String defaultValue) {
      JsonNode value = node.get(key);
      if (value == null) {
        return defaultValue;
      }
      if (!value.isTextual()) {
        throw error(key, "must be a string but was " + value);
      }
      return value.textValue();
    }

    private long checkedInteger(String key, JsonNode value, long min) {
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        throw error(key, "must be an integer but was " + value);
      }
      int result = value.intValue();
      if (result < min) {
        throw error(key, "must be >= " + min + " but was " + result);
      }
      return result;
    }

    IllegalArgumentException error(String key, String problem) {
      String name = key.isEmpty() ? path : qualified(key);
      return new IllegalArgumentException("'" + name + "' " + problem);
    }

    private String qualified(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }
  }
}
