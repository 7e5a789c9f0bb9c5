package dev.serval.tune.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.core.InvalidInputException;
import dev.serval.tune.CategoricalParam;
import dev.serval.tune.Condition;
import dev.serval.tune.FloatParam;
import dev.serval.tune.IntParam;
import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the JSON search-space format strictly (unknown keys and wrong types are errors) and
 * writes it canonically, so that equal spaces give equal text.
 */
public final class SpaceJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> NUMERIC_KEYS = Set.of("type", "low", "high", "log", "step",
      "condition");
  private static final Set<String> CATEGORICAL_KEYS = Set.of("type", "choices", "condition");

  private SpaceJson() {}

  public static SearchSpace parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("search space is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
    Checks.require(root != null && root.isObject(),
        "search space must be a JSON object of parameters, got " + root);
    SearchSpace.Builder builder = SearchSpace.builder();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      addEntry(builder, entry.getKey(), entry.getValue());
    }
    return builder.build();
  }

  /** The space in the format {@link #parse} reads; keys with default values are left out. */
  public static String write(SearchSpace space) {
    ObjectNode root = MAPPER.createObjectNode();
    for (Param param : space.params()) {
      ObjectNode spec = root.putObject(param.name());
      writeParam(spec, param);
      space.condition(param.name()).ifPresent(c -> writeCondition(spec, c));
    }
    return root.toString();
  }

  private static void writeParam(ObjectNode spec, Param param) {
    if (param instanceof FloatParam f) {
      spec.put("type", "float").put("low", f.low()).put("high", f.high());
      optional(spec, f.log(), f.step() > 0, f.step());
    } else if (param instanceof IntParam i) {
      spec.put("type", "int").put("low", i.low()).put("high", i.high());
      optional(spec, i.log(), i.step() != 1, i.step());
    } else {
      ArrayNode choices = spec.put("type", "categorical").putArray("choices");
      ((CategoricalParam) param).choices()
          .forEach(c -> choices.add(MAPPER.<JsonNode>valueToTree(c)));
    }
  }

  private static void optional(ObjectNode spec, boolean log, boolean stepped, Number step) {
    if (log) {
      spec.put("log", true);
    }
    if (stepped) {
      spec.set("step", MAPPER.valueToTree(step));
    }
  }

  /** Condition values are a set; sorted by their text so that the output does not vary. */
  private static void writeCondition(ObjectNode spec, Condition condition) {
    ArrayNode values = spec.putObject("condition").putArray(condition.parent());
    condition.values().stream().sorted(Comparator.comparing(String::valueOf))
        .forEach(v -> values.add(MAPPER.<JsonNode>valueToTree(v)));
  }

  private static void addEntry(SearchSpace.Builder builder, String name, JsonNode spec) {
    Checks.require(spec.isObject(), "parameter " + name + " must be an object, got " + spec);
    Param param = param(name, spec);
    JsonNode condition = spec.get("condition");
    if (condition == null) {
      builder.add(param);
    } else {
      builder.add(param, condition(name, condition));
    }
  }

  private static Param param(String name, JsonNode spec) {
    String type = text(name, spec, "type");
    switch (type) {
      case "float":
        onlyKeys(name, spec, NUMERIC_KEYS);
        return new FloatParam(name, number(name, spec, "low"), number(name, spec, "high"),
            bool(name, spec, "log"), spec.has("step") ? number(name, spec, "step") : 0);
      case "int":
        onlyKeys(name, spec, NUMERIC_KEYS);
        return new IntParam(name, integer(name, spec, "low"), integer(name, spec, "high"),
            bool(name, spec, "log"), spec.has("step") ? integer(name, spec, "step") : 1);
      case "categorical":
        onlyKeys(name, spec, CATEGORICAL_KEYS);
        return new CategoricalParam(name, choices(name, spec.get("choices")));
      default:
        throw new InvalidInputException("parameter " + name
            + ": type must be float, int or categorical, got '" + type + "'");
    }
  }

  /** {@code {"optimizer": ["sgd", "momentum"]}} or {@code {"optimizer": "sgd"}}. */
  private static Condition condition(String name, JsonNode node) {
    Checks.require(node.isObject() && node.size() == 1, "parameter " + name
        + ": condition must be an object with one parent parameter, got " + node);
    Map.Entry<String, JsonNode> only = node.fields().next();
    JsonNode values = only.getValue();
    List<Object> allowed = values.isArray()
        ? choices(name, values)
        : List.of(scalar(name, values));
    return new Condition(only.getKey(), new LinkedHashSet<>(allowed));
  }

  private static void onlyKeys(String name, JsonNode spec, Set<String> allowed) {
    for (Iterator<String> keys = spec.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      Checks.require(allowed.contains(key), "parameter " + name + ": unknown key '" + key
          + "' (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
    }
  }

  private static JsonNode required(String name, JsonNode spec, String key) {
    JsonNode node = spec.get(key);
    Checks.require(node != null, "parameter " + name + ": missing '" + key + "'");
    return node;
  }

  private static String text(String name, JsonNode spec, String key) {
    JsonNode node = required(name, spec, key);
    Checks.require(node.isTextual(), "parameter " + name + ": '" + key
        + "' must be a string, got " + node);
    return node.textValue();
  }

  private static double number(String name, JsonNode spec, String key) {
    JsonNode node = required(name, spec, key);
    Checks.require(node.isNumber(), "parameter " + name + ": '" + key
        + "' must be a number, got " + node);
    return node.doubleValue();
  }

  private static int integer(String name, JsonNode spec, String key) {
    JsonNode node = required(name, spec, key);
    Checks.require(node.isIntegralNumber() && node.canConvertToInt(), "parameter " + name
        + ": '" + key + "' must be an integer, got " + node);
    return node.intValue();
  }

  private static boolean bool(String name, JsonNode spec, String key) {
    JsonNode node = spec.get(key);
    if (node == null) {
      return false;
    }
    Checks.require(node.isBoolean(), "parameter " + name + ": '" + key
        + "' must be true or false, got " + node);
    return node.booleanValue();
  }

  private static List<Object> choices(String name, JsonNode node) {
    Checks.require(node != null && node.isArray(), "parameter " + name
        + ": 'choices' must be an array, got " + node);
    List<Object> values = new ArrayList<>();
    node.forEach(v -> values.add(scalar(name, v)));
    return values;
  }

  private static Object scalar(String name, JsonNode v) {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.intValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    throw new InvalidInputException("parameter " + name
        + ": values must be strings, numbers or booleans, got " + v);
  }
}
