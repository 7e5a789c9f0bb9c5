package dev.serval.server.api.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.serving.InferenceRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes the body of an Open Inference Protocol infer request, JSON or with the binary tensor
 * data extension, in one streaming pass over the bytes. Checks the request's own consistency
 * (fields, datatypes, shapes against data); the model's signature is checked by serving.
 *
 * <p>Thread-safe. Every problem with the body is reported as {@link InvalidInputException}.
 */
final class InferRequestDecoder {
  static final String TIMEOUT = RequestParameters.TIMEOUT;
  static final String BINARY_DATA_OUTPUT = "binary_data_output";
  static final String BINARY_DATA_SIZE = "binary_data_size";
  static final String BINARY_DATA = "binary_data";

  private final JsonFactory json;

  InferRequestDecoder(JsonFactory json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * Decodes a request.
   *
   * @param version the version from the path, or null
   * @param body the request body; its binary tensors are used in place, so it must not change
   * @param headerLength the {@code Inference-Header-Content-Length}, or -1 when the whole body is
   *     JSON
   */
  DecodedInferRequest decode(String model, String version, byte[] body, int headerLength) {
    Objects.requireNonNull(model, "model");
    if (headerLength > body.length) {
      throw new InvalidInputException(
          "Inference-Header-Content-Length is " + headerLength + " but the body has only "
              + body.length + " bytes");
    }
    int jsonLength = headerLength < 0 ? body.length : headerLength;
    try (JsonParser parser = json.createParser(body, 0, jsonLength)) {
      return new RequestReader(parser, body, jsonLength, headerLength >= 0).read(model, version);
    } catch (JsonProcessingException e) {
      throw Json.malformed(e);
    } catch (IOException e) {
      throw new InvalidInputException("unreadable JSON: " + e.getMessage(), e);
    }
  }

  /** The state of decoding one request. */
  private final class RequestReader {
    private static final int ID = 1;
    private static final int PARAMETERS = 2;
    private static final int INPUTS = 4;
    private static final int OUTPUTS = 8;

    private final JsonParser parser;
    private final byte[] body;
    private final int jsonLength;
    private final boolean hasBinaryData;
    private int binaryCursor;

    RequestReader(JsonParser parser, byte[] body, int jsonLength, boolean hasBinaryData) {
      this.parser = parser;
      this.body = body;
      this.jsonLength = jsonLength;
      this.hasBinaryData = hasBinaryData;
      this.binaryCursor = jsonLength;
    }

    DecodedInferRequest read(String model, String version) throws IOException {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidInputException("the request must be a JSON object");
      }
      String id = null;
      Map<String, Object> parameters = Map.of();
      List<Tensor> inputs = null;
      Map<String, Boolean> outputs = Map.of();
      int seen = 0;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "id" -> {
            seen = once(seen, ID, "field 'id'");
            if (value != JsonToken.VALUE_STRING) {
              throw new InvalidInputException("'id' must be a string");
            }
            id = parser.getText();
          }
          case "parameters" -> {
            seen = once(seen, PARAMETERS, "field 'parameters'");
            parameters = readParameters(value, "request");
          }
          case "inputs" -> {
            seen = once(seen, INPUTS, "field 'inputs'");
            inputs = readInputs(value);
          }
          case "outputs" -> {
            seen = once(seen, OUTPUTS, "field 'outputs'");
            outputs = readOutputs(value);
          }
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException("unexpected content after the request's JSON object");
      }
      if (inputs == null) {
        throw new InvalidInputException("the request has no 'inputs' field");
      }
      if (hasBinaryData && binaryCursor != body.length) {
        throw new InvalidInputException(
            "the request has " + (body.length - jsonLength) + " bytes of binary data but its "
                + "inputs' binary_data_size add up to " + (binaryCursor - jsonLength));
      }
      InferenceRequest request =
          new InferenceRequest(
              model, version, id, inputs, outputs.keySet(), parameters,
              RequestParameters.timeout(parameters));
      return new DecodedInferRequest(request, encoding(parameters, outputs));
    }

    private List<Tensor> readInputs(JsonToken value) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        throw new InvalidInputException("'inputs' must be an array of objects");
      }
      List<Tensor> inputs = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw new InvalidInputException("'inputs' must be an array of objects");
        }
        Tensor input = readInput(inputs.size());
        if (!names.add(input.name())) {
          throw new InvalidInputException(
              "input '" + input.name() + "' appears more than once in 'inputs'");
        }
        inputs.add(input);
      }
      return inputs;
    }

    private Tensor readInput(int index) throws IOException {
      InputFields input = new InputFields(index);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "name" -> input.name(input.text(value, "name"));
          case "datatype" -> input.datatype(input.text(value, "datatype"));
          case "shape" -> input.shape(readShape(value, input));
          case "parameters" -> input.binaryDataSize(readInputParameters(value, input));
          case "data" -> readData(value, input);
          default -> parser.skipChildren();
        }
      }
      return input.tensor();
    }

    private void readData(JsonToken value, InputFields input) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        throw new InvalidInputException(input.label() + ": 'data' must be an array");
      }
      int start = (int) parser.currentTokenLocation().getByteOffset();
      if (input.isSpecified()) {
        input.data(
            JsonDataReader.read(
                parser, input.name, input.type(), input.shape(), jsonLength - start));
      } else {
        // The datatype or shape comes later: note where the data is and decode it then.
        parser.skipChildren();
        int end = (int) parser.currentTokenLocation().getByteOffset() + 1;
        input.deferredData(start, end);
      }
    }

    private long[] readShape(JsonToken value, InputFields input) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        throw new InvalidInputException(input.label() + ": 'shape' must be an array of integers");
      }
      long[] dims = new long[4];
      int rank = 0;
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        if (t != JsonToken.VALUE_NUMBER_INT) {
          throw new InvalidInputException(
              input.label() + ": 'shape' must be an array of integers but has " + parser.getText());
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new InvalidInputException(
              input.label() + ": shape dimension " + parser.getText() + " is too large");
        }
        if (rank == dims.length) {
          dims = Arrays.copyOf(dims, rank * 2);
        }
        dims[rank++] = parser.getLongValue();
      }
      return Arrays.copyOf(dims, rank);
    }

    private long readInputParameters(JsonToken value, InputFields input) throws IOException {
      if (value != JsonToken.START_OBJECT) {
        throw new InvalidInputException(input.label() + ": 'parameters' must be an object");
      }
      long binaryDataSize = -1;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken parameter = parser.nextToken();
        if (key.equals(BINARY_DATA_SIZE)) {
          if (parameter != JsonToken.VALUE_NUMBER_INT
              || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              || parser.getLongValue() < 0) {
            throw new InvalidInputException(
                input.label() + ": parameter binary_data_size must be a non-negative integer "
                    + "but was " + parser.getText());
          }
          binaryDataSize = parser.getLongValue();
        } else {
          parser.skipChildren();
        }
      }
      return binaryDataSize;
    }

    private Tensor readBinaryData(InputFields input) {
      if (!hasBinaryData) {
        throw new InvalidInputException(
            input.label() + " has binary_data_size but the request has no binary data (send "
                + "the JSON length in the Inference-Header-Content-Length header)");
      }
      long left = body.length - binaryCursor;
      if (input.binaryDataSize > left) {
        throw new InvalidInputException(
            input.label() + ": binary_data_size " + input.binaryDataSize + " is more than the "
                + left + " bytes of binary data left");
      }
      int size = (int) input.binaryDataSize;
      Tensor tensor =
          BinaryTensorData.read(input.name, input.type(), input.shape(), body, binaryCursor, size);
      binaryCursor += size;
      return tensor;
    }

    private Tensor readDeferredData(InputFields input) throws IOException {
      int length = input.dataEnd - input.dataStart;
      try (JsonParser data = json.createParser(body, input.dataStart, length)) {
        data.nextToken();
        return JsonDataReader.read(data, input.name, input.type(), input.shape(), length);
      }
    }

    private Map<String, Boolean> readOutputs(JsonToken value) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        throw new InvalidInputException("'outputs' must be an array of objects");
      }
      Map<String, Boolean> outputs = new LinkedHashMap<>();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw new InvalidInputException("'outputs' must be an array of objects");
        }
        readOutput(outputs);
      }
      return outputs;
    }

    private void readOutput(Map<String, Boolean> outputs) throws IOException {
      int index = outputs.size();
      String name = null;
      Boolean binary = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "name" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw new InvalidInputException("outputs[" + index + "] 'name' must be a string");
            }
            name = parser.getText();
          }
          case "parameters" -> {
            String owner = "outputs[" + index + "]";
            Object flag = readParameters(value, owner).get(BINARY_DATA);
            binary = flag == null ? null : bool(flag, owner + " parameter " + BINARY_DATA);
          }
          default -> parser.skipChildren();
        }
      }
      if (name == null) {
        throw new InvalidInputException("outputs[" + index + "] has no 'name'");
      }
      if (outputs.containsKey(name)) {
        throw new InvalidInputException("output '" + name + "' is requested more than once");
      }
      // LinkedHashMap allows the null that means "not given".
      outputs.put(name, binary);
    }

    /** Parameters are flat: string, integer, number or boolean values. */
    private Map<String, Object> readParameters(JsonToken value, String owner) throws IOException {
      if (value != JsonToken.START_OBJECT) {
        throw new InvalidInputException(owner + " 'parameters' must be an object");
      }
      Map<String, Object> parameters = new LinkedHashMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        Object parameter = scalar(parser.nextToken());
        if (parameter == null) {
          throw new InvalidInputException(
              owner + " parameter '" + key + "' must be a string, number or boolean");
        }
        if (parameters.put(key, parameter) != null) {
          throw new InvalidInputException(owner + " parameter '" + key + "' appears twice");
        }
      }
      return parameters;
    }

    private Object scalar(JsonToken token) throws IOException {
      return switch (token) {
        case VALUE_STRING -> parser.getText();
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? (Object) parser.getDoubleValue()
            : (Object) parser.getLongValue();
        case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
        default -> null;
      };
    }

    /** The fields of one input as they arrive, in any order. */
    private final class InputFields {
      private static final int NAME = 1;
      private static final int DATATYPE = 2;
      private static final int SHAPE = 4;
      private static final int PARAMETERS = 8;
      private static final int DATA = 16;

      private final int index;
      private int seen;
      private String name;
      private String datatypeName;
      private long[] dims;
      private DataType type;
      private Shape shape;
      private long binaryDataSize = -1;
      private Tensor data;
      private int dataStart = -1;
      private int dataEnd;

      InputFields(int index) {
        this.index = index;
      }

      /** For messages only: built when something is wrong, not per field. */
      String label() {
        return name == null ? "inputs[" + index + "]" : "input '" + name + "'";
      }

      String text(JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
          throw new InvalidInputException(label() + " '" + field + "' must be a string");
        }
        return parser.getText();
      }

      void name(String value) {
        mark(NAME, "name");
        name = value;
      }

      void datatype(String value) {
        mark(DATATYPE, "datatype");
        datatypeName = value;
      }

      void shape(long[] value) {
        mark(SHAPE, "shape");
        dims = value;
      }

      void binaryDataSize(long value) {
        mark(PARAMETERS, "parameters");
        binaryDataSize = value;
      }

      void data(Tensor value) {
        mark(DATA, "data");
        data = value;
      }

      void deferredData(int start, int end) {
        mark(DATA, "data");
        dataStart = start;
        dataEnd = end;
      }

      private void mark(int field, String fieldName) {
        if ((seen & field) != 0) {
          throw new InvalidInputException(label() + " field '" + fieldName + "' appears twice");
        }
        seen |= field;
      }

      boolean isSpecified() {
        return name != null && datatypeName != null && dims != null;
      }

      DataType type() {
        if (type == null) {
          try {
            type = DataType.fromName(datatypeName);
          } catch (InvalidInputException e) {
            throw new InvalidInputException(label() + ": " + e.getMessage());
          }
        }
        return type;
      }

      Shape shape() {
        if (shape == null) {
          try {
            shape = Shape.of(dims);
          } catch (InvalidInputException e) {
            throw new InvalidInputException(label() + ": " + e.getMessage());
          }
        }
        return shape;
      }

      Tensor tensor() throws IOException {
        require(name, "name");
        require(datatypeName, "datatype");
        require(dims, "shape");
        boolean hasJsonData = data != null || dataStart >= 0;
        if (binaryDataSize >= 0) {
          if (hasJsonData) {
            throw new InvalidInputException(
                label() + " has both 'data' and parameter binary_data_size");
          }
          return readBinaryData(this);
        }
        if (data != null) {
          return data;
        }
        if (dataStart >= 0) {
          return readDeferredData(this);
        }
        throw new InvalidInputException(
            label() + " has neither 'data' nor parameter binary_data_size");
      }

      private void require(Object field, String fieldName) {
        if (field == null) {
          throw new InvalidInputException(label() + " has no '" + fieldName + "'");
        }
      }
    }
  }

  private static int once(int seen, int field, String name) {
    if ((seen & field) != 0) {
      throw new InvalidInputException(name + " appears twice");
    }
    return seen | field;
  }

  private static OutputEncoding encoding(
      Map<String, Object> parameters, Map<String, Boolean> outputs) {
    Object byDefault = parameters.get(BINARY_DATA_OUTPUT);
    boolean binaryByDefault =
        byDefault != null && bool(byDefault, "request parameter " + BINARY_DATA_OUTPUT);
    Map<String, Boolean> perOutput = new LinkedHashMap<>();
    outputs.forEach((name, binary) -> {
      if (binary != null) {
        perOutput.put(name, binary);
      }
    });
    if (!binaryByDefault && perOutput.isEmpty()) {
      return OutputEncoding.JSON;
    }
    return new OutputEncoding(binaryByDefault, perOutput);
  }

  private static boolean bool(Object value, String what) {
    if (!(value instanceof Boolean)) {
      throw new InvalidInputException(what + " must be true or false but was " + value);
    }
    return (Boolean) value;
  }
}
