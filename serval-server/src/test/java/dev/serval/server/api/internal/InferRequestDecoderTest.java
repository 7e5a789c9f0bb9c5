package dev.serval.server.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.serving.InferenceRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class InferRequestDecoderTest {
  private final InferRequestDecoder decoder = new InferRequestDecoder(Json.FACTORY);

  @Test
  void decodesFlatDataIntoALittleEndianBuffer() {
    Tensor x = onlyInput(input("FP32", "[2, 2]", "[1, 2.5, -3, 0.1]"));

    assertThat(x.name()).isEqualTo("x");
    assertThat(x.datatype()).isEqualTo(DataType.FP32);
    assertThat(x.shape()).isEqualTo(Shape.of(2, 2));
    assertThat(floats(x)).containsExactly(1f, 2.5f, -3f, 0.1f);
  }

  @Test
  void decodesNestedDataThatMatchesTheShape() {
    Tensor x = onlyInput(input("INT32", "[2, 3]", "[[1, 2, 3], [4, 5, 6]]"));

    ByteBuffer data = x.data();
    int[] values = new int[6];
    for (int i = 0; i < 6; i++) {
      values[i] = data.getInt(i * 4);
    }
    assertThat(values).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[2, 3] | [[1, 2, 3], [4, 5]]       | dimension 1 must have 3 elements",
        "[2, 3] | [[1, 2, 3], [4, 5, 6, 7]] | dimension 1 must have 3 elements",
        "[2, 3] | [[1, 2, 3]]               | dimension 0 must have 2 elements",
        "[2, 3] | [[1, 2, 3], 4]            | nested data must be arrays",
        "[2, 3] | [[[1], 2, 3], [4, 5, 6]]  | element 0 of data is an array",
        "[6]    | [[1, 2, 3], [4, 5, 6]]    | element 0 of data is an array",
        "[2, 3] | [1, 2, 3, [4, 5, 6]]      | element 3 of data is an array",
        "[]     | [[1]]                     | nested deeper than the 0 dimensions",
      })
  void rejectsNestedDataThatDoesNotMatchTheShape(String shape, String data, String message) {
    assertInvalid(input("INT32", shape, data), message);
  }

  @Test
  void decodesDataThatComesBeforeItsDatatypeAndShape() {
    String request =
        "{\"inputs\":[{\"data\":[[1,2],[3,4]],\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP64\"}]}";

    Tensor x = onlyInput(request);

    ByteBuffer data = x.data();
    assertThat(data.getDouble(0)).isEqualTo(1.0);
    assertThat(data.getDouble(24)).isEqualTo(4.0);
  }

  @Test
  void decodesEveryDatatype() {
    assertThat(bytes(onlyInput(input("BOOL", "[3]", "[true, false, true]"))))
        .containsExactly(1, 0, 1);
    assertThat(bytes(onlyInput(input("UINT8", "[2]", "[0, 255]")))).containsExactly(0, -1);
    assertThat(bytes(onlyInput(input("INT8", "[2]", "[-128, 127]")))).containsExactly(-128, 127);
    assertThat(onlyInput(input("UINT16", "[1]", "[65535]")).data().getShort(0))
        .isEqualTo((short) -1);
    assertThat(onlyInput(input("INT16", "[1]", "[-32768]")).data().getShort(0))
        .isEqualTo(Short.MIN_VALUE);
    assertThat(onlyInput(input("UINT32", "[1]", "[4294967295]")).data().getInt(0)).isEqualTo(-1);
    assertThat(onlyInput(input("INT32", "[1]", "[-2147483648]")).data().getInt(0))
        .isEqualTo(Integer.MIN_VALUE);
    assertThat(onlyInput(input("UINT64", "[1]", "[18446744073709551615]")).data().getLong(0))
        .isEqualTo(-1L);
    assertThat(onlyInput(input("INT64", "[1]", "[-9223372036854775808]")).data().getLong(0))
        .isEqualTo(Long.MIN_VALUE);
    assertThat(onlyInput(input("FP16", "[2]", "[1.5, -2]")).data().getShort(0))
        .isEqualTo((short) 0x3e00);
    assertThat(onlyInput(input("FP64", "[1]", "[0.1]")).data().getDouble(0)).isEqualTo(0.1);
    assertThat(onlyInput(input("BYTES", "[2]", "[\"héllo\", \"\"]")).strings())
        .isDeepEqualTo(new byte[][] {"héllo".getBytes(StandardCharsets.UTF_8), {}});
  }

  @Test
  void acceptsLowerCaseDatatypeNames() {
    assertThat(onlyInput(input("fp32", "[1]", "[1]")).datatype()).isEqualTo(DataType.FP32);
  }

  @Test
  void roundsFp32FromItsDecimalTextDirectly() {
    // Just above the midpoint between 1 and the next float; parsed as a double it would land
    // on the midpoint and then round to even, down to 1.
    Tensor x = onlyInput(input("FP32", "[1]", "[1.00000005960464477539062501]"));

    assertThat(floats(x)).containsExactly(Math.nextUp(1.0f));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "UINT8  | 256                   | out of range for UINT8",
        "UINT8  | -1                    | out of range for UINT8",
        "INT8   | 128                   | out of range for INT8",
        "UINT16 | 65536                 | out of range for UINT16",
        "INT16  | -32769                | out of range for INT16",
        "UINT32 | 4294967296            | out of range for UINT32",
        "INT32  | 2147483648            | out of range for INT32",
        "UINT64 | 18446744073709551616  | out of range for UINT64",
        "UINT64 | -1                    | out of range for UINT64",
        "INT64  | 9223372036854775808   | out of range for INT64",
        "FP16   | 65520                 | out of range for FP16",
        "FP32   | 1e39                  | out of range for FP32",
        "FP64   | 1e309                 | out of range for FP64",
      })
  void rejectsValuesOutOfTheDatatypeRange(String datatype, String value, String message) {
    assertInvalid(input(datatype, "[1]", "[" + value + "]"), message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "FP32  | \"abc\" | element 0 of data is \"abc\" but FP32 needs a number",
        "FP32  | null    | element 0 of data is null but FP32 needs a number",
        "INT32 | 1.5     | element 0 of data is 1.5 but INT32 needs an integer",
        "INT32 | true    | element 0 of data is true but INT32 needs an integer",
        "BOOL  | 1       | element 0 of data is 1 but BOOL needs true or false",
        "BYTES | 1       | element 0 of data is 1 but BYTES needs a string",
        "FP64  | {}      | element 0 of data is an object but FP64 needs a number",
      })
  void rejectsValuesOfTheWrongKind(String datatype, String value, String message) {
    assertInvalid(input(datatype, "[1]", "[" + value + "]"), "input 'x': " + message);
  }

  @Test
  void rejectsUnknownDatatype() {
    assertInvalid(input("FLOAT", "[1]", "[1]"), "input 'x': unknown datatype 'FLOAT'");
  }

  @Test
  void rejectsDataCountThatDiffersFromTheShape() {
    assertInvalid(input("FP32", "[2, 2]", "[1, 2, 3]"), "data has 3 elements but shape [2, 2]");
    assertInvalid(input("FP32", "[2, 2]", "[1, 2, 3, 4, 5]"), "data has more than the 4");
  }

  @Test
  void rejectsNegativeAndOverflowingShapes() {
    assertInvalid(input("FP32", "[-1, 2]", "[1, 2]"), "negative dimension -1");
    assertInvalid(
        input("FP32", "[4294967296, 4294967296]", "[1]"), "shape [4294967296, 4294967296] is too large");
    assertInvalid(input("FP32", "[99999999999999999999]", "[1]"), "is too large");
    assertInvalid(input("FP32", "[1.5]", "[1]"), "'shape' must be an array of integers");
  }

  @Test
  void refusesAShapeTheBodyCannotHoldBeforeAllocatingIt() {
    // Would be 4 GB if allocated from the shape alone.
    assertInvalid(
        input("FP32", "[1000000000]", "[1]"),
        "shape [1000000000] needs 1000000000 elements but its data cannot hold more than");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"inputs\": [                                   | malformed JSON at line 1",
        "{\"inputs\": []} trailing                        | malformed JSON",
        "{\"inputs\": []} {}                              | unexpected content after",
        "[]                                               | must be a JSON object",
        "''                                               | must be a JSON object",
        "{}                                               | no 'inputs' field",
        "{\"inputs\": {}}                                 | 'inputs' must be an array",
        "{\"inputs\": [1]}                                | 'inputs' must be an array of objects",
        "{\"inputs\": [{\"datatype\": \"FP32\", \"shape\": [1], \"data\": [1]}] } | inputs[0] has no 'name'",
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"data\": [1]}] }        | input 'x' has no 'datatype'",
        "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"data\": [1]}] } | input 'x' has no 'shape'",
        "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1]}] } | input 'x' has neither 'data' nor",
        "{\"inputs\": [{\"name\": 5}]}                    | inputs[0] 'name' must be a string",
        "{\"id\": 5, \"inputs\": []}                      | 'id' must be a string",
        "{\"inputs\": [], \"inputs\": []}                 | field 'inputs' appears twice",
        "{\"inputs\": [{\"name\": \"x\", \"name\": \"y\"}]} | field 'name' appears twice",
        "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1], \"data\": 1}]} | 'data' must be an array",
      })
  void rejectsMalformedRequests(String request, String message) {
    assertInvalid(request, message);
  }

  static Stream<Arguments> malformedJson() {
    return Stream.of(
        Arguments.of(
            "{\"id\": }",
            "malformed JSON at line 1, column 8: unexpected character '}': expected a value"),
        Arguments.of(
            "{\"inputs\": [",
            "malformed JSON at line 1, column 13: unexpected end-of-input: expected close marker"
                + " for Array (start marker at line 1, column 12)"),
        Arguments.of(
            "{\n  \"id\": \"a\\q\"}",
            "malformed JSON at line 2, column 12: unrecognized character escape 'q'"),
        Arguments.of(
            "{'inputs': []}",
            "malformed JSON at line 1, column 2: unexpected character ''': was expecting"
                + " double-quote to start field name"));
  }

  @ParameterizedTest
  @MethodSource("malformedJson")
  void reportsMalformedJsonWithLineAndColumnButNoParserInternals(String request, String message) {
    assertThatThrownBy(() -> decode(request))
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsDuplicateInputNames() {
    String x = "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}";

    assertInvalid("{\"inputs\":[" + x + "," + x + "]}", "input 'x' appears more than once");
  }

  @Test
  void readsIdParametersTimeoutAndRequestedOutputs() {
    String request =
        "{\"id\":\"r1\",\"parameters\":{\"timeout\":2500,\"tag\":\"a\",\"ratio\":0.5},"
            + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}],"
            + "\"outputs\":[{\"name\":\"y\"},{\"name\":\"z\",\"parameters\":{\"binary_data\":true}}]}";

    DecodedInferRequest decoded = decode(request);
    InferenceRequest r = decoded.request();

    assertThat(r.model()).isEqualTo("m");
    assertThat(r.version()).isEqualTo("2");
    assertThat(r.id()).isEqualTo("r1");
    assertThat(r.parameters()).isEqualTo(Map.of("timeout", 2500L, "tag", "a", "ratio", 0.5));
    assertThat(r.timeout()).isEqualTo(Duration.ofNanos(2_500_000));
    assertThat(r.outputs()).containsExactlyInAnyOrder("y", "z");
    assertThat(decoded.encoding().isBinary("y")).isFalse();
    assertThat(decoded.encoding().isBinary("z")).isTrue();
  }

  @Test
  void appliesBinaryDataOutputToOutputsThatDoNotSayOtherwise() {
    String request =
        "{\"parameters\":{\"binary_data_output\":true},\"inputs\":[],"
            + "\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":false}}]}";

    OutputEncoding encoding = decode(request).encoding();

    assertThat(encoding.isBinary("y")).isFalse();
    assertThat(encoding.isBinary("z")).isTrue();
  }

  @Test
  void treatsAZeroTimeoutAsNone() {
    assertThat(decode("{\"parameters\":{\"timeout\":0},\"inputs\":[]}").request().timeout())
        .isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"parameters\":{\"timeout\":-1},\"inputs\":[]}          | 'timeout' must be a non-negative integer",
        "{\"parameters\":{\"timeout\":\"5\"},\"inputs\":[]}       | 'timeout' must be a non-negative integer",
        "{\"parameters\":{\"binary_data_output\":1},\"inputs\":[]} | binary_data_output must be true or false",
        "{\"parameters\":{\"a\":null},\"inputs\":[]}              | parameter 'a' must be a string, number or boolean",
        "{\"parameters\":{\"a\":[1]},\"inputs\":[]}               | parameter 'a' must be a string, number or boolean",
        "{\"parameters\":{\"a\":1,\"a\":2},\"inputs\":[]}         | parameter 'a' appears twice",
        "{\"inputs\":[],\"outputs\":[{\"name\":\"y\"},{\"name\":\"y\"}]} | output 'y' is requested more than once",
        "{\"inputs\":[],\"outputs\":[{}]}                         | outputs[0] has no 'name'",
      })
  void rejectsBadParametersAndOutputs(String request, String message) {
    assertInvalid(request, message);
  }

  @Test
  void decodesBinaryTensorsInInputOrderWithoutCopyingThem() {
    byte[] x = littleEndianFloats(1f, 2f, 3f, 4f);
    byte[] s = lengthPrefixed("ab", "ü");
    String header =
        "{\"inputs\":["
            + "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,2],"
            + "\"parameters\":{\"binary_data_size\":16}},"
            + "{\"name\":\"j\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[7]},"
            + "{\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[2],"
            + "\"parameters\":{\"binary_data_size\":" + s.length + "}}]}";

    DecodedInferRequest decoded = decodeBinary(header, x, s);

    assertThat(floats(decoded.request().inputs().get(0))).containsExactly(1f, 2f, 3f, 4f);
    assertThat(decoded.request().inputs().get(1).data().getLong(0)).isEqualTo(7L);
    assertThat(decoded.request().inputs().get(2).strings())
        .isDeepEqualTo(
            new byte[][] {
              "ab".getBytes(StandardCharsets.UTF_8), "ü".getBytes(StandardCharsets.UTF_8)
            });
  }

  @Test
  void rejectsBinaryDataOfTheWrongSize() {
    String header = binaryHeader("FP32", "[2]", 8);

    assertInvalid(() -> decodeBinary(binaryHeader("FP32", "[2]", 12), new byte[12]),
        "binary_data_size is 12 but datatype FP32 and shape [2] need 8 bytes");
    assertInvalid(() -> decodeBinary(header, new byte[4]),
        "binary_data_size 8 is more than the 4 bytes of binary data left");
    assertInvalid(() -> decodeBinary(header, new byte[9]),
        "9 bytes of binary data but its inputs' binary_data_size add up to 8");
  }

  @Test
  void rejectsBinaryStringsThatDoNotFitTheirSize() {
    byte[] claimsTooMuch = {5, 0, 0, 0, 'a'};
    byte[] leftover = {1, 0, 0, 0, 'a', 'b'};
    byte[] negative = {-1, -1, -1, -1};

    assertInvalid(() -> decodeBinary(binaryHeader("BYTES", "[1]", 5), claimsTooMuch),
        "BYTES element 0 does not fit in binary_data_size 5");
    assertInvalid(() -> decodeBinary(binaryHeader("BYTES", "[1]", 6), leftover),
        "binary_data_size is 6 but its 1 BYTES elements take 5 bytes");
    assertInvalid(() -> decodeBinary(binaryHeader("BYTES", "[1]", 4), negative),
        "BYTES element 0 does not fit");
    assertInvalid(() -> decodeBinary(binaryHeader("BYTES", "[1000000]", 4), negative),
        "needs 1000000 BYTES elements but binary_data_size 4 cannot hold more than 1");
  }

  @Test
  void rejectsBinaryDataSizeWithoutBinaryData() {
    assertInvalid(binaryHeader("FP32", "[2]", 8), "the request has no binary data");
  }

  @Test
  void rejectsAnInputWithBothJsonAndBinaryData() {
    String header =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1],"
            + "\"parameters\":{\"binary_data_size\":4}}]}";

    assertInvalid(() -> decodeBinary(header, new byte[4]),
        "input 'x' has both 'data' and parameter binary_data_size");
  }

  @Test
  void rejectsAHeaderLengthBeyondTheBody() {
    assertInvalid(() -> decoder.decode("m", null, new byte[10], 11),
        "Inference-Header-Content-Length is 11 but the body has only 10 bytes");
  }

  private DecodedInferRequest decode(String request) {
    return decoder.decode("m", "2", request.getBytes(StandardCharsets.UTF_8), -1);
  }

  private Tensor onlyInput(String request) {
    return decode(request).request().inputs().get(0);
  }

  private DecodedInferRequest decodeBinary(String header, byte[]... tensors) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    body.writeBytes(json);
    for (byte[] tensor : tensors) {
      body.writeBytes(tensor);
    }
    return decoder.decode("m", null, body.toByteArray(), json.length);
  }

  private void assertInvalid(String request, String message) {
    assertInvalid(() -> decode(request), message);
  }

  private static void assertInvalid(Runnable decoding, String message) {
    assertThatThrownBy(decoding::run)
        .isExactlyInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  static String input(String datatype, String shape, String data) {
    return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
        + ",\"data\":" + data + "}]}";
  }

  private static String binaryHeader(String datatype, String shape, int size) {
    return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
        + ",\"parameters\":{\"binary_data_size\":" + size + "}}]}";
  }

  static float[] floats(Tensor tensor) {
    ByteBuffer data = tensor.data();
    float[] values = new float[data.remaining() / 4];
    for (int i = 0; i < values.length; i++) {
      values[i] = data.getFloat(i * 4);
    }
    return values;
  }

  private static byte[] bytes(Tensor tensor) {
    ByteBuffer data = tensor.data();
    byte[] values = new byte[data.remaining()];
    data.get(values);
    return values;
  }

  static byte[] littleEndianFloats(float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putFloat(value);
    }
    return buffer.array();
  }

  static byte[] lengthPrefixed(String... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String value : values) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
      out.writeBytes(utf8);
    }
    return out.toByteArray();
  }
}
