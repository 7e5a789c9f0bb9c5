package dev.serval.serving;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the API layer needs from serving: inference, metadata, readiness, the repository index,
 * load/unload and statistics. Errors are {@link dev.serval.core.ServalException}s.
 *
 * <p>A {@code version} argument of {@code null} means the model's default version: the newest
 * loaded one, or where a deployment splits default traffic among versions by weight, a version
 * drawn by weight for each request ({@link InferenceResult#version} names it) and the one with the
 * largest share for metadata. Explicit versions reach every loaded version.
 */
public interface ModelService extends AutoCloseable {

  /**
   * Validates the request against the model's signature and schedules it; the future completes
   * with the outputs or with a {@link dev.serval.core.ServalException}.
   *
   * @throws dev.serval.core.ModelNotFoundException unknown model or version
   * @throws dev.serval.core.ModelNotReadyException model not ready or server draining
   * @throws dev.serval.core.InvalidInputException request does not match the signature
   * @throws dev.serval.core.QueueFullException the model's queue is full
   */
  CompletableFuture<InferenceResult> infer(InferenceRequest request);

  /** @throws dev.serval.core.ModelNotFoundException unknown model or version */
  ModelMetadata metadata(String model, String version);

  /** @throws dev.serval.core.ModelNotFoundException unknown model or version */
  boolean isModelReady(String model, String version);

  /** Live and not draining, and every model that should be loaded has been tried. */
  boolean isServerReady();

  /** Every model in the repository, one entry per version, with its state and any reason. */
  List<RepositoryEntry> index(boolean readyOnly);

  /**
   * Loads (or reloads) a model from the repository, blocking until it is ready.
   *
   * @throws dev.serval.core.ModelNotFoundException no such model in the repository
   * @throws dev.serval.core.ModelLoadException the model failed to load
   */
  void load(String model);

  /**
   * Stops routing to a model, lets its queued requests finish, then frees it.
   *
   * @throws dev.serval.core.ModelNotFoundException no such model
   */
  void unload(String model);

  /**
   * Statistics of every loaded version, of one model's versions, or of one version.
   *
   * @throws dev.serval.core.ModelNotFoundException unknown model or version
   */
  List<ModelStatistics> statistics(String model, String version);

  /**
   * Graceful shutdown: readiness turns false, queued and running requests finish, models are
   * freed.
   */
  @Override
  void close();
}
