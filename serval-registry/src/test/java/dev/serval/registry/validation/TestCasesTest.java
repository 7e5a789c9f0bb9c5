package dev.serval.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TestCasesTest {
  @Test
  void readsEveryDatatypeFromFlatOrNestedData() {
    List<TestCase> cases = parse("""
        {"cases": [{"name": "all",
          "inputs": [
            {"name": "f", "datatype": "FP32", "shape": [2, 2], "data": [[1.5, -2], [0, 1e-3]]},
            {"name": "h", "datatype": "FP16", "shape": [2], "data": [0.5, -3]},
            {"name": "u", "datatype": "UINT64", "shape": [1], "data": [18446744073709551615]},
            {"name": "i", "datatype": "INT8", "shape": [2], "data": [-128, 127]},
            {"name": "b", "datatype": "BOOL", "shape": [2], "data": [true, false]},
            {"name": "s", "datatype": "BYTES", "shape": [1], "data": ["héllo"]}],
          "outputs": [{"name": "y", "datatype": "FP64", "shape": [], "data": [2.25]}],
          "tolerance": {"abs": 0.1, "rel": 0.2}}]}
        """);

    TestCase only = cases.get(0);
    assertThat(only.name()).isEqualTo("all");
    assertThat(only.absTolerance()).isEqualTo(0.1);
    assertThat(only.relTolerance()).isEqualTo(0.2);
    assertThat(elements(only.inputs().get("f"))).containsExactly("1.5", "-2.0", "0.0", "0.001");
    assertThat(elements(only.inputs().get("h"))).containsExactly("0.5", "-3.0");
    assertThat(elements(only.inputs().get("u"))).containsExactly("18446744073709551615");
    assertThat(elements(only.inputs().get("i"))).containsExactly("-128", "127");
    assertThat(elements(only.inputs().get("b"))).containsExactly("true", "false");
    assertThat(elements(only.inputs().get("s"))).containsExactly("\"héllo\"");
    assertThat(only.inputs().get("f").shape()).isEqualTo(Shape.of(2, 2));
    assertThat(only.expected().get("y").datatype()).isEqualTo(DataType.FP64);
    assertThat(only.expected().get("y").shape()).isEqualTo(Shape.of());
  }

  @Test
  void usesDefaultTolerancesWhenLeftOut() {
    TestCase only = parse("""
        {"cases": [{"name": "a", "inputs": [],
          "outputs": [{"name": "y", "datatype": "INT32", "shape": [1], "data": [1]}],
          "tolerance": {"rel": 0.5}}]}
        """).get(0);

    assertThat(only.absTolerance()).isEqualTo(TestCases.DEFAULT_ABS_TOLERANCE);
    assertThat(only.relTolerance()).isEqualTo(0.5);
  }

  @Test
  void rejectsJsonThatDoesNotParse() {
    assertThatThrownBy(() -> parse("{\"cases\": ["))
        .hasMessage("test cases: line 1, column 12: not valid JSON: Unexpected end-of-input: "
            + "expected close marker for Array");
    assertThatThrownBy(() -> parse("{\"cases\": [}"))
        .hasMessage("test cases: line 1, column 12: not valid JSON: Unexpected close marker '}': "
            + "expected ']'");
  }

  @Test
  void rejectsAnUnknownFieldNamingItsPlaceAndTheKnownFields() {
    assertRejected("""
        {"cases": [{"name": "a", "inputs": [],
          "outputs": [{"name": "y", "datatype": "INT32", "shape": [1], "data": [1], "size": 4}]}]}
        """, "test cases: cases[0].outputs[0]: unknown field 'size'; expected one of data, "
            + "datatype, name, shape");
  }

  @Test
  void rejectsADuplicateField() {
    assertRejected("{\"cases\": [], \"cases\": []}", "Duplicate field 'cases'");
  }

  @Test
  void rejectsDataThatDoesNotFillTheShape() {
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [2, 2], "
        + "\"data\": [1, 2, 3]}"),
        "test cases: cases[0].outputs[0].data: shape [2, 2] needs 4 values but data has 3");
  }

  @Test
  void rejectsAShapeThatIsNotAListOfNumbers() {
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [\"two\"], "
        + "\"data\": [1]}"), "test cases: cases[0].outputs[0].shape[0]: expected a number");
  }

  @Test
  void rejectsANegativeDimension() {
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [-1], "
        + "\"data\": []}"), "test cases: cases[0].outputs[0]: shape [-1] has negative dimension");
  }

  @Test
  void rejectsAnUnknownDatatype() {
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"FP8\", \"shape\": [1], \"data\": [1]}"),
        "test cases: cases[0].outputs[0]: unknown datatype 'FP8'");
  }

  @Test
  void rejectsElementsOfTheWrongKindOrOutOfRange() {
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"UINT8\", \"shape\": [2], "
        + "\"data\": [1, 256]}"), "test cases: cases[0].outputs[0].data[1]: 256 is out of range "
            + "for UINT8");
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"INT64\", \"shape\": [1], "
        + "\"data\": [1.5]}"), "cases[0].outputs[0].data[0]: 1.5 is not an integer");
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [1], "
        + "\"data\": [\"1\"]}"), "cases[0].outputs[0].data[0]: \"1\" is not a number");
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"BOOL\", \"shape\": [1], "
        + "\"data\": [1]}"), "cases[0].outputs[0].data[0]: 1 is not true or false");
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"BYTES\", \"shape\": [1], "
        + "\"data\": [1]}"), "cases[0].outputs[0].data[0]: 1 is not a string");
  }

  @Test
  void rejectsMissingFields() {
    assertRejected("{}", "test cases: cases: missing or null");
    assertRejected(one("{\"name\": \"y\", \"shape\": [1], \"data\": [1]}"),
        "test cases: cases[0].outputs[0].datatype: missing or null");
    assertRejected(one("{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [1], "
        + "\"data\": null}"), "test cases: cases[0].outputs[0].data: missing or null");
  }

  @Test
  void rejectsACaseWithoutOutputsOrWithDuplicateNames() {
    assertRejected("{\"cases\": [{\"name\": \"a\", \"inputs\": [], \"outputs\": []}]}",
        "test cases: cases[0]: test case 'a' expects no outputs");
    String tensor = "{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [1], \"data\": [1]}";
    assertRejected(one(tensor + ", " + tensor),
        "test cases: cases[0].outputs[1]: duplicate tensor name 'y'");
    String testCase = "{\"name\": \"a\", \"inputs\": [], \"outputs\": [" + tensor + "]}";
    assertRejected("{\"cases\": [" + testCase + ", " + testCase + "]}",
        "test cases: cases[1]: duplicate case name 'a'");
  }

  @Test
  void rejectsANegativeTolerance() {
    assertRejected("""
        {"cases": [{"name": "a", "inputs": [],
          "outputs": [{"name": "y", "datatype": "FP32", "shape": [1], "data": [1]}],
          "tolerance": {"abs": -1}}]}
        """, "test cases: cases[0]: absTolerance must be finite and >= 0 but was -1.0");
  }

  private static String one(String outputs) {
    return "{\"cases\": [{\"name\": \"a\", \"inputs\": [], \"outputs\": [" + outputs + "]}]}";
  }

  private static void assertRejected(String json, String message) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  private static List<TestCase> parse(String json) {
    return TestCases.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> elements(Tensor tensor) {
    int count = Math.toIntExact(tensor.shape().elementCount());
    return IntStream.range(0, count)
        .mapToObj(i -> Elements.format(tensor, i)).toList();
  }
}
