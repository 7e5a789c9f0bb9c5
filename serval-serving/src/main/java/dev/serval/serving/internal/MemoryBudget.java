package dev.serval.serving.internal;

import dev.serval.core.InsufficientMemoryException;
import dev.serval.serving.ModelConfig;
import dev.serval.serving.internal.ModelRepository.VersionFolder;
import java.util.Collection;

/**
 * The estimated resident memory of every loaded model version, against a budget. A load charges its
 * versions before it starts, and each version gives its charge back once it is closed, so a version
 * being replaced counts until it is drained: the peak of a swap is old plus new.
 */
public final class MemoryBudget {
  /**
   * Resident memory of one ONNX Runtime session beyond its weights. Measured once on x86-64 Linux
   * with ONNX Runtime 1.28.0: 300 sessions of a 110-byte identity model, each run once as in a
   * warmup, raised the process RSS by 35.2 MB (117 KB each; 139 KB each over 100 sessions); rounded
   * up to 128 KiB.
   */
  static final long SESSION_OVERHEAD_BYTES = 128 * 1024;

  /**
   * Resident bytes per artifact byte. A session holds the weights it read plus ONNX Runtime's
   * prepacked copies and arena: a 5.3 MB MLP measured 8.87 MB resident per session (1.7x), so the
   * estimate rounds up to 2x rather than undercount weight-heavy models.
   */
  static final long ARTIFACT_FACTOR = 2;

  private final long budgetBytes;
  private long chargedBytes; // guarded by this

  /**
   * @param budgetBytes the most the loaded versions may be estimated to take, positive; {@link
   *     Long#MAX_VALUE} for no limit
   */
  public MemoryBudget(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** The estimated resident cost of a version: each instance holds its own session. */
  static long estimate(VersionFolder folder, ModelConfig config) {
    // File#length is 0 for an unreadable file; such a load fails anyway and gives its charge back.
    long artifactBytes = folder.artifact().toFile().length();
    return (ARTIFACT_FACTOR * artifactBytes + SESSION_OVERHEAD_BYTES) * config.instanceCount();
  }

  /** The estimate of every loaded version and of those being loaded. */
  public synchronized long estimatedBytes() {
    return chargedBytes;
  }

  /**
   * Charges the versions a load is about to load.
   *
   * @param versions their numbers, for the message
   * @param bytes their estimated cost
   * @param replacedBytes of the charged bytes, those of versions of this model that the load
   *     replaces or drops: they stay resident until drained after the swap
   * @throws InsufficientMemoryException when the charge would exceed the budget; nothing is charged
   */
  synchronized void charge(
      String model, Collection<Long> versions, long bytes, long replacedBytes) {
    if (bytes <= budgetBytes - chargedBytes) {
      chargedBytes += bytes;
      return;
    }
    StringBuilder message =
        new StringBuilder("cannot load model '")
            .append(model)
            .append("' version")
            .append(versions.size() == 1 ? " " + versions.iterator().next() : "s " + versions)
            .append(": estimated ")
            .append(bytes)
            .append(" bytes, with ")
            .append(chargedBytes)
            .append(" bytes already loaded, exceed the memory budget of ")
            .append(budgetBytes)
            .append(" bytes");
    if (bytes <= budgetBytes - (chargedBytes - replacedBytes)) {
      message
          .append(" during the swap: the ")
          .append(replacedBytes)
          .append(" bytes of the versions it replaces count until they are drained");
    }
    message.append("; unload a model or raise --memory-budget");
    throw new InsufficientMemoryException(message.toString());
  }

  /** Gives back the charge of a version that is closed or failed to load. */
  synchronized void release(long bytes) {
    chargedBytes -= bytes;
  }
}
