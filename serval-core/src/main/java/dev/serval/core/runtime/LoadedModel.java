package dev.serval.core.runtime;

import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import java.util.List;
import java.util.Set;

/**
 * One loaded model instance. {@link #run} may be called from one thread at a time per instance;
 * the serving layer creates several instances for parallelism.
 */
public interface LoadedModel extends AutoCloseable {
  Signature signature();

  /**
   * Rejects values this runtime cannot take, before the tensor joins a batch, so that one bad
   * request never fails the requests batched with it. Messages name the input and the element
   * (counted within this tensor) but not the model: the caller knows which model it asked. May be
   * called from any thread, also while {@link #run} runs.
   *
   * @param input one input, already validated against the signature
   * @throws dev.serval.core.InvalidInputException when {@link #run} would reject its values
   */
  default void checkInput(Tensor input) {}

  /**
   * Runs the model once.
   *
   * @param inputs one tensor per signature input, already validated against the signature; run
   *     must not keep references to their buffers after it returns, since callers reuse them
   * @param outputs names of the outputs to compute; empty means all, in signature order
   * @return the requested outputs in signature order; the caller owns the returned buffers
   * @throws dev.serval.core.InvalidInputException when the runtime rejects the inputs
   * @throws dev.serval.core.ModelLoadException when the runtime fails
   */
  List<Tensor> run(List<Tensor> inputs, Set<String> outputs);

  /** Releases native memory. */
  @Override
  void close();
}
