package dev.serval.runtime.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelLoadException;
import dev.serval.core.ModelNotReadyException;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.runtime.onnx.internal.InputStaging;
import dev.serval.runtime.onnx.internal.OnnxTypes;
import dev.serval.runtime.onnx.internal.OrtErrors;
import dev.serval.runtime.onnx.internal.StringTensors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.StampedLock;

/**
 * One ONNX Runtime session. {@link #run} is the batcher's hot path: names, types and the set of
 * all outputs are resolved once here, and inputs in direct buffers reach the runtime without a
 * copy.
 *
 * <p>Errors of {@link #checkInput} and {@link #run} do not name the model: its label is the file
 * path, which must not reach clients, and the caller knows which model it ran.
 */
final class OnnxModel implements LoadedModel {
  private final OrtEnvironment env;
  private final String label;
  private final OrtSession session;
  private final Signature signature;
  private final String[] inputNames;
  private final String[] feedNames;
  private final OnnxJavaType[] feedTypes;
  private final String[] outputNames;
  private final Set<String> allOutputs;
  private final InputStaging staging;
  // Runs share the read lock; close takes the write lock so that it never frees native memory
  // under a running inference.
  private final StampedLock lock = new StampedLock();
  private boolean closed;

  /**
   * @param feedNames the session input name for each signature input, in signature order
   */
  OnnxModel(OrtEnvironment env, String label, OrtSession session, Signature signature,
      List<String> feedNames) {
    this.env = env;
    this.label = label;
    this.session = session;
    this.signature = signature;
    List<TensorSpec> inputs = signature.inputs();
    this.inputNames = new String[inputs.size()];
    this.feedTypes = new OnnxJavaType[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      inputNames[i] = inputs.get(i).name();
      feedTypes[i] = OnnxTypes.feedType(inputs.get(i).datatype());
    }
    this.feedNames = feedNames.toArray(String[]::new);
    this.outputNames = signature.outputs().stream().map(TensorSpec::name).toArray(String[]::new);
    this.allOutputs = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(outputNames)));
    this.staging = new InputStaging(inputNames.length);
  }

  @Override
  public Signature signature() {
    return signature;
  }

  @Override
  public void checkInput(Tensor input) {
    if (input.datatype() == DataType.BYTES) {
      StringTensors.check(input.strings(), input.name());
    }
  }

  @Override
  public List<Tensor> run(List<Tensor> inputs, Set<String> outputs) {
    long stamp = lock.readLock();
    try {
      if (closed) {
        throw new ModelNotReadyException("the model is closed");
      }
      return runOpen(inputs, requested(outputs));
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public void close() {
    long stamp = lock.writeLock();
    try {
      if (!closed) {
        closed = true;
        session.close();
      }
    } catch (OrtException e) {
      throw new ModelLoadException("cannot close model " + label + ": " + OrtErrors.message(e), e);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  @Override
  public String toString() {
    return "OnnxModel[" + label + "]";
  }

  private List<Tensor> runOpen(List<Tensor> inputs, Set<String> requested) {
    OnnxTensor[] created = new OnnxTensor[inputNames.length];
    ByteBuffer[] staged = staging.take();
    try {
      Map<String, OnnxTensor> feed = new HashMap<>(inputNames.length * 2);
      for (Tensor tensor : inputs) {
        int index = inputIndex(tensor);
        if (created[index] != null) {
          throw new InvalidInputException("input '" + tensor.name() + "' is given twice");
        }
        created[index] = toOnnx(index, tensor, staged);
        feed.put(feedNames[index], created[index]);
      }
      requireAllInputs(created);
      try (OrtSession.Result result = session.run(feed, requested)) {
        return outputs(result, requested);
      }
    } catch (OrtException e) {
      throw OrtErrors.fromRun(e);
    } finally {
      for (OnnxTensor tensor : created) {
        if (tensor != null) {
          tensor.close();
        }
      }
      staging.give(staged);
    }
  }

  /** The signature index of an input, after checking its datatype and shape. */
  private int inputIndex(Tensor tensor) {
    for (int i = 0; i < inputNames.length; i++) {
      if (inputNames[i].equals(tensor.name())) {
        TensorSpec spec = signature.inputs().get(i);
        if (spec.datatype() != tensor.datatype()) {
          throw new InvalidInputException("input '" + tensor.name() + "' must be "
              + spec.datatype() + " but is " + tensor.datatype());
        }
        if (!spec.shape().accepts(tensor.shape())) {
          throw new InvalidInputException("input '" + tensor.name() + "' has shape "
              + tensor.shape() + " but the model accepts " + spec.shape());
        }
        return i;
      }
    }
    throw new InvalidInputException("the model has no input '" + tensor.name()
        + "'; its inputs are " + List.of(inputNames));
  }

  private void requireAllInputs(OnnxTensor[] created) {
    for (int i = 0; i < created.length; i++) {
      if (created[i] == null) {
        throw new InvalidInputException("input '" + inputNames[i] + "' is missing");
      }
    }
  }

  private OnnxTensor toOnnx(int index, Tensor tensor, ByteBuffer[] staged) throws OrtException {
    long[] dims = tensor.shape().dims();
    if (tensor.datatype() == DataType.BYTES) {
      String[] strings = StringTensors.toStrings(tensor.strings(), tensor.name());
      return OnnxTensor.createTensor(env, strings, dims);
    }
    ByteBuffer data = tensor.data();
    if (!data.isDirect()) {
      data = InputStaging.stage(staged, index, data);
    }
    return OnnxTensor.createTensor(env, data, dims, feedTypes[index]);
  }

  private Set<String> requested(Set<String> outputs) {
    if (outputs.isEmpty() || outputs.equals(allOutputs)) {
      return allOutputs;
    }
    for (String name : outputs) {
      if (!allOutputs.contains(name)) {
        throw new InvalidInputException("the model has no output '" + name
            + "'; its outputs are " + allOutputs);
      }
    }
    Set<String> ordered = new LinkedHashSet<>();
    for (String name : outputNames) {
      if (outputs.contains(name)) {
        ordered.add(name);
      }
    }
    return ordered;
  }

  private List<Tensor> outputs(OrtSession.Result result, Set<String> requested)
      throws OrtException {
    List<Tensor> tensors = new ArrayList<>(requested.size());
    for (int i = 0; i < outputNames.length; i++) {
      String name = outputNames[i];
      if (requested.contains(name)) {
        OnnxValue value = result.get(name).orElseThrow(() -> new ModelLoadException(
            "ONNX Runtime did not return output '" + name + "'"));
        tensors.add(toTensor(name, signature.outputs().get(i).datatype(), (OnnxTensor) value));
      }
    }
    return tensors;
  }

  private static Tensor toTensor(String name, DataType type, OnnxTensor value)
      throws OrtException {
    Shape shape = Shape.of(value.getInfo().getShape());
    if (type == DataType.BYTES) {
      return Tensor.ofStrings(
          name, shape, StringTensors.toBytes(value.getValue(), (int) shape.elementCount()));
    }
    // A copy of the runtime's memory in native order, which is little-endian on every platform
    // ONNX Runtime ships for.
    return Tensor.of(name, type, shape, value.getByteBuffer());
  }
}
