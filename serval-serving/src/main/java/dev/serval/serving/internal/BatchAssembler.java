package dev.serval.serving.internal;

import dev.serval.core.DataType;
import dev.serval.core.ModelLoadException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges the requests of a batch into one set of input tensors and splits the outputs back.
 * Fixed-size inputs are copied once into a direct little-endian buffer, which the runtime reads in
 * place; outputs are handed back as views of the runtime's buffers, without copying.
 *
 * <p>Each worker has its own assembler and the direct buffers are reused from batch to batch: a
 * {@link dev.serval.core.runtime.LoadedModel} reads its inputs during {@code run} and keeps nothing
 * of them afterwards (its outputs are buffers of its own).
 */
final class BatchAssembler {
  private final List<TensorSpec> inputSpecs;
  private final ByteBuffer[] scratch;

  BatchAssembler(List<TensorSpec> inputSpecs) {
    this.inputSpecs = List.copyOf(inputSpecs);
    this.scratch = new ByteBuffer[inputSpecs.size()];
  }

  /** The inputs of one execution: a single request's own tensors, or their concatenation. */
  List<Tensor> inputs(List<PendingRequest> requests, int rows) {
    if (requests.size() == 1) {
      return Arrays.asList(requests.get(0).inputs());
    }
    List<Tensor> merged = new ArrayList<>(inputSpecs.size());
    for (int i = 0; i < inputSpecs.size(); i++) {
      merged.add(concat(requests, i, rows));
    }
    return merged;
  }

  /** Outputs to compute: empty (all) if any request wants all, else the union of requests. */
  static Set<String> outputNames(List<PendingRequest> requests) {
    Set<String> first = requests.get(0).outputs();
    if (requests.size() == 1 || first.isEmpty()) {
      return first;
    }
    Set<String> union = null;
    for (PendingRequest request : requests) {
      Set<String> wanted = request.outputs();
      if (wanted.isEmpty()) {
        return wanted;
      }
      if (union == null && !wanted.equals(first)) {
        union = new HashSet<>(first);
      }
      if (union != null) {
        union.addAll(wanted);
      }
    }
    return union == null ? first : union;
  }

  /**
   * Each request's outputs: its rows of every output it asked for, in the runtime's order.
   *
   * @throws ModelLoadException when an output does not have one row per input row
   */
  List<List<Tensor>> split(List<Tensor> outputs, List<PendingRequest> requests, int rows) {
    if (requests.size() == 1) {
      return List.of(selected(outputs, requests.get(0).outputs()));
    }
    for (Tensor output : outputs) {
      Shape shape = output.shape();
      if (shape.rank() == 0 || shape.dim(0) != rows) {
        throw new ModelLoadException(
            "output '"
                + output.name()
                + "' has shape "
                + shape
                + " for a batch of "
                + rows
                + " rows; its first dimension must be the batch size");
      }
    }
    List<List<Tensor>> results = new ArrayList<>(requests.size());
    int offset = 0;
    for (PendingRequest request : requests) {
      List<Tensor> own = new ArrayList<>(outputs.size());
      for (Tensor output : selected(outputs, request.outputs())) {
        own.add(rowsOf(output, offset, request.rows(), rows));
      }
      results.add(own);
      offset += request.rows();
    }
    return results;
  }

  private Tensor concat(List<PendingRequest> requests, int input, int rows) {
    Tensor first = requests.get(0).inputs()[input];
    Shape shape = first.shape().withFirstDim(rows);
    if (first.datatype() == DataType.BYTES) {
      byte[][] elements = new byte[Math.toIntExact(shape.elementCount())][];
      int at = 0;
      for (PendingRequest request : requests) {
        byte[][] part = request.inputs()[input].strings();
        System.arraycopy(part, 0, elements, at, part.length);
        at += part.length;
      }
      return Tensor.ofStrings(first.name(), shape, elements);
    }
    int bytes = Math.toIntExact(shape.elementCount() * first.datatype().byteSize());
    ByteBuffer buffer = scratch(input, bytes);
    for (PendingRequest request : requests) {
      buffer.put(request.inputs()[input].data());
    }
    buffer.flip();
    return Tensor.of(first.name(), first.datatype(), shape, buffer);
  }

  /** A cleared view of {@code bytes} bytes of the input's reusable buffer, grown as needed. */
  private ByteBuffer scratch(int input, int bytes) {
    if (scratch[input] == null || scratch[input].capacity() < bytes) {
      int capacity = Math.max(bytes, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
      scratch[input] = ByteBuffer.allocateDirect(capacity);
    }
    return scratch[input].duplicate().clear().limit(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static List<Tensor> selected(List<Tensor> outputs, Set<String> wanted) {
    if (wanted.isEmpty() || wanted.size() == outputs.size()) {
      return outputs;
    }
    List<Tensor> kept = new ArrayList<>(wanted.size());
    for (Tensor output : outputs) {
      if (wanted.contains(output.name())) {
        kept.add(output);
      }
    }
    return kept;
  }

  private static Tensor rowsOf(Tensor output, int offset, int count, int totalRows) {
    Shape shape = output.shape().withFirstDim(count);
    if (output.datatype() == DataType.BYTES) {
      byte[][] all = output.strings();
      int perRow = all.length / totalRows;
      return Tensor.ofStrings(
          output.name(),
          shape,
          Arrays.copyOfRange(all, offset * perRow, (offset + count) * perRow));
    }
    ByteBuffer data = output.data();
    int perRow = data.remaining() / totalRows;
    return Tensor.of(
        output.name(), output.datatype(), shape, data.slice(offset * perRow, count * perRow));
  }
}
