package dev.serval.server.grpc.internal;

import com.google.protobuf.ByteString;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.grpc.api.InferParameter;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferRequest.InferInputTensor;
import dev.serval.grpc.api.ModelInferRequest.InferRequestedOutputTensor;
import dev.serval.server.api.internal.BinaryTensorData;
import dev.serval.server.api.internal.RequestParameters;
import dev.serval.serving.InferenceRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns a {@code ModelInferRequest} into an {@link InferenceRequest}, with the checks the REST
 * decoder makes (names, datatypes, shapes against data, parameters); serving checks the model's
 * signature. Inputs come from typed {@code contents} or, when given, from
 * {@code raw_input_contents} in the REST binary extension's encoding.
 */
final class InferRequests {
  private InferRequests() {}

  /**
   * @param version the resolved version, or null for the default one
   * @param deadline the time left before the client's deadline, or null without one; caps the
   *     request's queue timeout
   * @throws InvalidInputException when the request is inconsistent
   */
  static InferenceRequest read(ModelInferRequest request, String version, Duration deadline) {
    Map<String, Object> parameters = parameters(request.getParametersMap());
    return new InferenceRequest(
        modelName(request),
        version,
        request.getId().isEmpty() ? null : request.getId(),
        inputs(request),
        outputs(request.getOutputsList()),
        parameters,
        earlier(RequestParameters.timeout(parameters), deadline));
  }

  static String modelName(ModelInferRequest request) {
    if (request.getModelName().isEmpty()) {
      throw new InvalidInputException("model_name must not be empty");
    }
    return request.getModelName();
  }

  private static List<Tensor> inputs(ModelInferRequest request) {
    List<ByteString> raw = request.getRawInputContentsList();
    if (!raw.isEmpty() && raw.size() != request.getInputsCount()) {
      throw new InvalidInputException(
          "raw_input_contents has " + raw.size() + " entries but the request has "
              + request.getInputsCount() + " inputs; give one entry per input, in order");
    }
    List<Tensor> inputs = new ArrayList<>(request.getInputsCount());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < request.getInputsCount(); i++) {
      Tensor input = input(request.getInputs(i), i, raw.isEmpty() ? null : raw.get(i));
      if (!names.add(input.name())) {
        throw new InvalidInputException(
            "input '" + input.name() + "' appears more than once in 'inputs'");
      }
      inputs.add(input);
    }
    return inputs;
  }

  private static Tensor input(InferInputTensor input, int index, ByteString raw) {
    if (input.getName().isEmpty()) {
      throw new InvalidInputException("inputs[" + index + "] has no 'name'");
    }
    String name = input.getName();
    DataType type = labelled(name, () -> DataType.fromName(input.getDatatype()));
    long[] dims = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
    Shape shape = labelled(name, () -> Shape.of(dims));
    if (raw == null) {
      if (!input.hasContents()) {
        throw new InvalidInputException(
            "input '" + name + "' has neither 'contents' nor an entry in raw_input_contents");
      }
      return TypedContents.read(name, type, shape, input.getContents());
    }
    if (input.hasContents()) {
      throw new InvalidInputException(
          "input '" + name + "' has 'contents' but the request uses raw_input_contents");
    }
    byte[] bytes = raw.toByteArray();
    return BinaryTensorData.read(name, type, shape, bytes, 0, bytes.length);
  }

  private static Set<String> outputs(List<InferRequestedOutputTensor> requested) {
    Set<String> outputs = new LinkedHashSet<>();
    for (int i = 0; i < requested.size(); i++) {
      String name = requested.get(i).getName();
      if (name.isEmpty()) {
        throw new InvalidInputException("outputs[" + i + "] has no 'name'");
      }
      if (!outputs.add(name)) {
        throw new InvalidInputException("output '" + name + "' is requested more than once");
      }
    }
    return outputs;
  }

  /** As in the REST API: flat values of strings, numbers and booleans. */
  private static Map<String, Object> parameters(Map<String, InferParameter> given) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    given.forEach((key, parameter) -> parameters.put(key, value(key, parameter)));
    return parameters;
  }

  private static Object value(String key, InferParameter parameter) {
    return switch (parameter.getParameterChoiceCase()) {
      case BOOL_PARAM -> parameter.getBoolParam();
      case INT64_PARAM -> parameter.getInt64Param();
      case STRING_PARAM -> parameter.getStringParam();
      case DOUBLE_PARAM -> parameter.getDoubleParam();
      // Beyond Long.MAX_VALUE a JSON number becomes a double in the REST API too.
      case UINT64_PARAM -> parameter.getUint64Param() >= 0
          ? (Object) parameter.getUint64Param()
          : (Object) Double.parseDouble(Long.toUnsignedString(parameter.getUint64Param()));
      case PARAMETERCHOICE_NOT_SET -> throw new InvalidInputException(
          "request parameter '" + key + "' has no value");
    };
  }

  private static Duration earlier(Duration timeout, Duration deadline) {
    if (timeout == null) {
      return deadline;
    }
    return deadline == null || timeout.compareTo(deadline) <= 0 ? timeout : deadline;
  }

  private static <T> T labelled(String name, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (InvalidInputException e) {
      throw new InvalidInputException("input '" + name + "': " + e.getMessage());
    }
  }
}
