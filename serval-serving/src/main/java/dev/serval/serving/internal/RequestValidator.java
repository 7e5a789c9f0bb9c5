package dev.serval.serving.internal;

import dev.serval.core.InvalidInputException;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.serving.InferenceRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a request against a version's signature before it is queued, so that one bad request can
 * never fail a batch: every input present once, no unknown input, equal datatype, accepted shape,
 * for batched models one shared batch size between 1 and max_batch_size, and values the runtime
 * can take ({@link LoadedModel#checkInput}).
 */
final class RequestValidator {
  private final String subject;
  private final List<TensorSpec> inputs;
  private final Map<String, Integer> inputIndex = new HashMap<>();
  private final List<String> outputNames;
  private final int maxBatchSize;
  private final LoadedModel runtime;

  /**
   * @param subject names the model version in messages, e.g. {@code model 'm' version 1}
   * @param maxBatchSize most rows per request for a batched model; 0 when unbatched
   * @param runtime an instance of the version, which checks the values of the inputs
   */
  RequestValidator(String subject, Signature signature, int maxBatchSize, LoadedModel runtime) {
    this.subject = subject;
    this.inputs = signature.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      inputIndex.put(inputs.get(i).name(), i);
    }
    this.outputNames = signature.outputs().stream().map(TensorSpec::name).toList();
    this.maxBatchSize = maxBatchSize;
    this.runtime = runtime;
  }

  /**
   * @return the request's inputs in signature order
   * @throws InvalidInputException naming the input, what was expected and what was given
   */
  Tensor[] validate(InferenceRequest request) {
    Tensor[] ordered = new Tensor[inputs.size()];
    for (Tensor tensor : request.inputs()) {
      Integer index = inputIndex.get(tensor.name());
      if (index == null) {
        throw new InvalidInputException(
            subject
                + " has no input named '"
                + tensor.name()
                + "'; its inputs are "
                + inputs.stream().map(TensorSpec::name).toList());
      }
      if (ordered[index] != null) {
        throw new InvalidInputException("input '" + tensor.name() + "' is given more than once");
      }
      checkTensor(tensor, inputs.get(index));
      ordered[index] = tensor;
    }
    for (int i = 0; i < ordered.length; i++) {
      if (ordered[i] == null) {
        throw new InvalidInputException(
            subject + " requires input '" + inputs.get(i).name() + "' which the request lacks");
      }
    }
    if (maxBatchSize > 0) {
      checkBatchSize(ordered);
    }
    for (String output : request.outputs()) {
      if (!outputNames.contains(output)) {
        throw new InvalidInputException(
            subject + " has no output named '" + output + "'; its outputs are " + outputNames);
      }
    }
    // Last, as it reads every value.
    for (Tensor tensor : ordered) {
      try {
        runtime.checkInput(tensor);
      } catch (InvalidInputException e) {
        throw naming(e);
      }
    }
    return ordered;
  }

  /** The runtime's complaint about inputs, prefixed with the model version it concerns. */
  InvalidInputException naming(InvalidInputException runtimeError) {
    return new InvalidInputException(subject + ": " + runtimeError.getMessage(), runtimeError);
  }

  private void checkTensor(Tensor tensor, TensorSpec spec) {
    if (tensor.datatype() != spec.datatype()) {
      throw new InvalidInputException(
          "input '"
              + tensor.name()
              + "' has datatype "
              + tensor.datatype()
              + " but "
              + subject
              + " expects "
              + spec.datatype());
    }
    if (!spec.shape().accepts(tensor.shape())) {
      throw new InvalidInputException(
          "input '"
              + tensor.name()
              + "' has shape "
              + tensor.shape()
              + " but "
              + subject
              + " expects "
              + spec.shape()
              + " (-1 = any size)");
    }
  }

  private void checkBatchSize(Tensor[] ordered) {
    long rows = ordered[0].shape().dim(0);
    for (Tensor tensor : ordered) {
      long own = tensor.shape().dim(0);
      if (own != rows) {
        throw new InvalidInputException(
            "inputs must share their first (batch) dimension but '"
                + ordered[0].name()
                + "' has "
                + rows
                + " and '"
                + tensor.name()
                + "' has "
                + own);
      }
    }
    if (rows < 1 || rows > maxBatchSize) {
      throw new InvalidInputException(
          "batch size (first dimension) of input '"
              + ordered[0].name()
              + "' is "
              + rows
              + " but "
              + subject
              + " accepts 1 to "
              + maxBatchSize
              + " (max_batch_size)");
    }
  }
}
