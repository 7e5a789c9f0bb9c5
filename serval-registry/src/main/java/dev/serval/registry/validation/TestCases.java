package dev.serval.registry.validation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the test cases pushed with a model. The format uses Open Inference Protocol tensors:
 *
 * <pre>{@code
 * {"cases": [{"name": "zeros",
 *             "inputs":  [{"name": "x", "datatype": "FP32", "shape": [1, 2], "data": [0, 0]}],
 *             "outputs": [{"name": "y", "datatype": "FP32", "shape": [1, 2], "data": [0, 0]}],
 *             "tolerance": {"abs": 1e-5, "rel": 1e-4}}]}
 * }</pre>
 *
 * <p>{@code data} is row-major, flat or nested; BOOL elements are {@code true}/{@code false},
 * BYTES elements UTF-8 strings. {@code tolerance} and either of its fields may be left out.
 * Unknown and duplicate fields are rejected.
 */
public final class TestCases {
  public static final double DEFAULT_ABS_TOLERANCE = 1e-5;
  public static final double DEFAULT_REL_TOLERANCE = 1e-4;

  // The parser's own location notes, such as "(start marker at [Source: ...])", say nothing the
  // line and column do not.
  private static final Pattern SOURCE_DESCRIPTION =
      Pattern.compile("\\s*\\([^(]*\\[Source:.*?\\]\\)");
  private static final BigInteger UINT64_LIMIT = BigInteger.ONE.shiftLeft(64);
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private TestCases() {}

  /**
   * Reads a test case file.
   *
   * @throws InvalidInputException when the file is not valid test case JSON; the message names
   *     the place and the problem
   * @throws UncheckedIOException when the file cannot be read
   */
  public static List<TestCase> read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read test case file " + file.getFileName(), e);
    }
  }

  /**
   * Parses test case JSON; does not close {@code json}.
   *
   * @throws InvalidInputException when the JSON is not valid test case JSON
   * @throws UncheckedIOException when the stream cannot be read
   */
  public static List<TestCase> parse(InputStream json) {
    FileJson file;
    try {
      file = MAPPER.readValue(json, FileJson.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
          .collect(Collectors.joining(", "));
      List<JsonMappingException.Reference> object = e.getPath().subList(0, e.getPath().size() - 1);
      throw invalid(path(object), "unknown field '" + e.getPropertyName() + "'; expected one of "
          + known);
    } catch (MismatchedInputException e) {
      throw invalid(path(e.getPath()), "expected " + describe(e.getTargetType()));
    } catch (JsonMappingException e) {
      // Databind wraps syntax errors met inside a value; report those as syntax errors.
      if (e.getCause() instanceof JsonProcessingException) {
        throw notJson((JsonProcessingException) e.getCause());
      }
      throw invalid(path(e.getPath()), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read test cases", e);
    }
    return cases(require(file, "the top level").cases);
  }

  private static List<TestCase> cases(List<CaseJson> json) {
    require(json, "cases");
    List<TestCase> cases = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      TestCase testCase = testCase(require(json.get(i), "cases[" + i + "]"), "cases[" + i + "]");
      if (cases.stream().anyMatch(c -> c.name().equals(testCase.name()))) {
        throw invalid("cases[" + i + "]", "duplicate case name '" + testCase.name() + "'");
      }
      cases.add(testCase);
    }
    return List.copyOf(cases);
  }

  private static TestCase testCase(CaseJson json, String where) {
    String name = require(json.name, where + ".name");
    ToleranceJson tolerance =
        json.tolerance == null ? new ToleranceJson(null, null) : json.tolerance;
    try {
      return new TestCase(name, tensors(json.inputs, where + ".inputs"),
          tensors(json.outputs, where + ".outputs"),
          tolerance.abs == null ? DEFAULT_ABS_TOLERANCE : tolerance.abs,
          tolerance.rel == null ? DEFAULT_REL_TOLERANCE : tolerance.rel);
    } catch (IllegalArgumentException e) {
      throw invalid(where, e.getMessage());
    }
  }

  private static Map<String, Tensor> tensors(List<TensorJson> json, String where) {
    require(json, where);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < json.size(); i++) {
      String at = where + "[" + i + "]";
      Tensor tensor = tensor(require(json.get(i), at), at);
      if (tensors.put(tensor.name(), tensor) != null) {
        throw invalid(at, "duplicate tensor name '" + tensor.name() + "'");
      }
    }
    return tensors;
  }

  private static Tensor tensor(TensorJson json, String where) {
    String name = require(json.name, where + ".name");
    DataType type;
    Shape shape;
    try {
      type = DataType.fromName(require(json.datatype, where + ".datatype"));
      shape = Shape.of(require(json.shape, where + ".shape"));
    } catch (InvalidInputException e) {
      throw invalid(where, e.getMessage());
    }
    List<JsonNode> values = new ArrayList<>();
    // A JSON null arrives as a null node, not as null.
    flatten(require(json.data == null || json.data.isNull() ? null : json.data, where + ".data"),
        values);
    if (values.size() != shape.elementCount()) {
      throw invalid(where + ".data", "shape " + shape + " needs " + shape.elementCount()
          + " values but data has " + values.size());
    }
    if (type == DataType.BYTES) {
      byte[][] strings = new byte[values.size()][];
      for (int i = 0; i < strings.length; i++) {
        strings[i] = text(values.get(i), where + ".data", i).getBytes(StandardCharsets.UTF_8);
      }
      return Tensor.ofStrings(name, shape, strings);
    }
    ByteBuffer data = Elements.allocate(type, shape);
    for (int i = 0; i < values.size(); i++) {
      put(data, type, values.get(i), where + ".data", i);
    }
    return Tensor.of(name, type, shape, data.flip());
  }

  private static void flatten(JsonNode node, List<JsonNode> into) {
    if (node.isArray()) {
      node.forEach(element -> flatten(element, into));
    } else {
      into.add(node);
    }
  }

  private static void put(ByteBuffer data, DataType type, JsonNode value, String where, int i) {
    if (Elements.isReal(type)) {
      if (!value.isNumber()) {
        throw element(where, i, value, "is not a number");
      }
      Elements.putReal(data, type, value.doubleValue());
    } else if (type == DataType.BOOL) {
      if (!value.isBoolean()) {
        throw element(where, i, value, "is not true or false");
      }
      Elements.putInteger(data, type, value.booleanValue() ? 1 : 0);
    } else {
      Elements.putInteger(data, type, integer(type, value, where, i));
    }
  }

  private static long integer(DataType type, JsonNode value, String where, int i) {
    if (!value.isIntegralNumber()) {
      throw element(where, i, value, "is not an integer");
    }
    BigInteger big = value.bigIntegerValue();
    boolean fits = type == DataType.UINT64
        ? big.signum() >= 0 && big.compareTo(UINT64_LIMIT) < 0
        : big.bitLength() < Long.SIZE && Elements.fits(type, big.longValue());
    if (!fits) {
      throw element(where, i, value, "is out of range for " + type);
    }
    return big.longValue();
  }

  private static String text(JsonNode value, String where, int i) {
    if (!value.isTextual()) {
      throw element(where, i, value, "is not a string");
    }
    return value.textValue();
  }

  private static InvalidInputException element(String where, int i, JsonNode value, String what) {
    return invalid(where + "[" + i + "]", value + " " + what);
  }

  private static <T> T require(T value, String where) {
    if (value == null) {
      throw invalid(where, "missing or null");
    }
    return value;
  }

  private static InvalidInputException invalid(String where, String problem) {
    return new InvalidInputException("test cases: " + where + ": " + problem);
  }

  private static InvalidInputException notJson(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "?" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    String problem = SOURCE_DESCRIPTION.matcher(e.getOriginalMessage()).replaceAll("");
    return invalid(where, "not valid JSON: " + problem);
  }

  /** Where a mapping error occurred, e.g. {@code cases[0].inputs[1].shape}. */
  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : references) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "the top level" : path.toString();
  }

  private static String describe(Class<?> target) {
    if (target == null) {
      return "another kind of value";
    }
    if (target.isArray() || Collection.class.isAssignableFrom(target)) {
      return "an array";
    }
    if (target.isPrimitive() || Number.class.isAssignableFrom(target)) {
      return "a number";
    }
    return target == String.class ? "a string" : "an object";
  }

  private record FileJson(List<CaseJson> cases) {}

  private record CaseJson(String name, List<TensorJson> inputs, List<TensorJson> outputs,
      ToleranceJson tolerance) {}

  private record TensorJson(String name, String datatype, long[] shape, JsonNode data) {}

  private record ToleranceJson(Double abs, Double rel) {}
}
