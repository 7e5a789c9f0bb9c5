package dev.serval.serving.internal;

import dev.serval.core.DeadlineExceededException;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelLoadException;
import dev.serval.core.QueueFullException;
import dev.serval.core.ServalException;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.serving.InferenceRequest;
import dev.serval.serving.InferenceResult;
import dev.serval.serving.ModelConfig;
import dev.serval.serving.ModelStatistics;
import dev.serval.serving.internal.ModelRepository.VersionFolder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded, warmed-up model version: its instances, its queue and batcher workers, its statistics
 * and meters. Requests are validated on the caller's thread, then queued; each worker thread owns
 * one instance and runs batches on it until the version is drained.
 */
public final class ServedVersion {
  private static final Logger LOG = LoggerFactory.getLogger(ServedVersion.class);
  private static final long MIN_RETRY_NANOS = 1_000_000;

  private final String model;
  private final long version;
  private final String versionName;
  private final String subject;
  private final String platform;
  private final Signature signature;
  private final boolean batched;
  private final long defaultTimeoutNanos;
  private final List<LoadedModel> instances;
  private final ServingContext context;
  private final RequestValidator validator;
  private final BatchQueue queue;
  private final VersionStats stats;
  private final VersionMeters meters;
  private final long estimatedBytes;
  private final List<Thread> workers = new ArrayList<>();

  private ServedVersion(
      String model,
      VersionFolder folder,
      ModelConfig config,
      List<LoadedModel> instances,
      ServingContext context,
      long estimatedBytes) {
    this.model = model;
    this.version = folder.version();
    this.versionName = Long.toString(version);
    this.subject = "model '" + model + "' version " + version;
    this.platform = folder.backend().platform();
    this.signature = instances.get(0).signature();
    this.batched = config.batchingEnabled() && signature.isBatchable();
    this.defaultTimeoutNanos = config.dynamicBatching().defaultTimeoutMicros() * 1_000;
    this.instances = List.copyOf(instances);
    this.context = context;
    BatchPolicy policy = policy(config, signature, batched);
    this.validator =
        new RequestValidator(
            subject, signature, batched ? config.maxBatchSize() : 0, instances.get(0));
    this.queue = new BatchQueue(policy, context.nanoTime());
    this.stats = new VersionStats(policy.maxRows());
    this.meters = context.metrics().forVersion(model, versionName);
    this.estimatedBytes = estimatedBytes;
  }

  /**
   * Loads {@code instance_count} instances, warms each up with a zero input, then starts the
   * workers; the version is ready to serve when this returns.
   *
   * @param estimatedBytes what the caller charged to the memory budget for this version; the
   *     version gives it back when it is closed, or at once when it fails to load
   * @throws ModelLoadException when loading or warming up fails; nothing stays open
   */
  static ServedVersion load(
      String model,
      VersionFolder folder,
      ModelConfig config,
      ServingContext context,
      long estimatedBytes) {
    List<LoadedModel> instances = new ArrayList<>();
    try {
      for (int i = 0; i < config.instanceCount(); i++) {
        LoadedModel instance = folder.backend().load(folder.artifact(), config.runtimeOptions());
        instances.add(instance);
        warmUp(instance, model, folder.version());
      }
      ServedVersion served =
          new ServedVersion(model, folder, config, instances, context, estimatedBytes);
      served.start();
      return served;
    } catch (RuntimeException e) {
      instances.forEach(ServedVersion::closeQuietly);
      context.memory().release(estimatedBytes);
      throw e instanceof ModelLoadException
          ? e
          : new ModelLoadException(
              "model '" + model + "' version " + folder.version() + " failed to load: " + e, e);
    }
  }

  public long version() {
    return version;
  }

  public String platform() {
    return platform;
  }

  public Signature signature() {
    return signature;
  }

  long estimatedBytes() {
    return estimatedBytes;
  }

  public ModelStatistics statistics() {
    return stats.snapshot(model, versionName);
  }

  /**
   * Validates and queues a request.
   *
   * @return the future of its result, or null when this version no longer accepts requests (it is
   *     being drained; the caller may route to a newer one)
   * @throws InvalidInputException when the request does not match the signature
   * @throws QueueFullException when the queue is full
   */
  public CompletableFuture<InferenceResult> submit(InferenceRequest request, long receivedNanos) {
    PendingRequest pending;
    try {
      Tensor[] inputs = validator.validate(request);
      int rows = batched ? (int) inputs[0].shape().dim(0) : 1;
      pending =
          PendingRequest.of(request, inputs, rows, receivedNanos, timeoutNanos(request.timeout()));
    } catch (InvalidInputException e) {
      recordFailures(1, context.nanoTime().getAsLong() - receivedNanos, Outcome.INVALID);
      throw e;
    }
    return switch (queue.offer(pending)) {
      case ACCEPTED -> {
        scheduleTimeout(pending);
        yield pending.future();
      }
      case CLOSED -> null;
      case FULL -> throw rejected(receivedNanos);
    };
  }

  /** Stops accepting requests, finishes the queued and running ones, then frees the instances. */
  public void drainAndClose() {
    queue.shutdown();
    boolean interrupted = false;
    for (Thread worker : workers) {
      while (worker.isAlive()) {
        try {
          worker.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    instances.forEach(ServedVersion::closeQuietly);
    context.memory().release(estimatedBytes);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes this version's meters; for an unload, not for a reload that replaces it. */
  void removeMeters() {
    context.metrics().remove(model, versionName);
  }

  /**
   * Points the version's queue depth gauge at this instance's queue; done when it starts serving,
   * since a replaced instance keeps its gauge until then and a load that is given up never does.
   */
  void bindMeters() {
    meters.bindQueueDepth(queue::depth);
  }

  private void start() {
    for (int i = 0; i < instances.size(); i++) {
      LoadedModel instance = instances.get(i);
      BatchAssembler assembler = new BatchAssembler(signature.inputs());
      Thread worker = context.threadFactory().newThread(() -> work(instance, assembler));
      worker.setName("serval-" + model + "-v" + version + "-" + i);
      workers.add(worker);
      worker.start();
    }
  }

  private void work(LoadedModel instance, BatchAssembler assembler) {
    try {
      for (Batch batch = queue.take(); batch != null; batch = queue.take()) {
        execute(instance, assembler, batch);
      }
    } catch (InterruptedException e) {
      LOG.warn("batcher of {} interrupted; it stops", subject);
      Thread.currentThread().interrupt();
    }
  }

  private void execute(LoadedModel instance, BatchAssembler assembler, Batch batch) {
    long start = context.nanoTime().getAsLong();
    failDropped(batch.dropped(), start);
    List<PendingRequest> requests = batch.requests();
    if (requests.isEmpty()) {
      return;
    }
    long queuedNanos = 0;
    for (PendingRequest request : requests) {
      long waited = start - request.receivedNanos();
      meters.recordQueued(waited);
      queuedNanos += waited;
    }
    stats.recordQueued(requests.size(), queuedNanos);
    List<List<Tensor>> outputs;
    try {
      outputs = run(instance, assembler, batch, start);
    } catch (Throwable failure) { // whatever broke, the batch gets an answer and the worker lives
      failAll(requests, asServalException(failure));
      return;
    }
    long end = context.nanoTime().getAsLong();
    // Recorded before completing, so that a caller who sees its result also sees it counted.
    stats.recordSuccess(requests.size(), totalSince(requests, end));
    meters.count(Outcome.SUCCESS, requests.size());
    for (int i = 0; i < requests.size(); i++) {
      PendingRequest request = requests.get(i);
      request
          .future()
          .complete(new InferenceResult(model, versionName, request.id(), outputs.get(i)));
    }
  }

  private List<List<Tensor>> run(
      LoadedModel instance, BatchAssembler assembler, Batch batch, long start) {
    List<PendingRequest> requests = batch.requests();
    List<Tensor> inputs = assembler.inputs(requests, batch.rows());
    long prepared = context.nanoTime().getAsLong();
    List<Tensor> produced = instance.run(inputs, BatchAssembler.outputNames(requests));
    long computed = context.nanoTime().getAsLong();
    List<List<Tensor>> outputs = assembler.split(produced, requests, batch.rows());
    long sliced = context.nanoTime().getAsLong();
    stats.recordExecution(
        requests.size(),
        batch.rows(),
        prepared - start,
        computed - prepared,
        sliced - computed,
        context.clock().millis());
    meters.recordExecution(batch.rows(), sliced - start);
    return outputs;
  }

  private void failAll(List<PendingRequest> requests, ServalException error) {
    LOG.warn("execution of {} failed: {}", subject, error.getMessage());
    long now = context.nanoTime().getAsLong();
    recordFailures(requests.size(), totalSince(requests, now), Outcome.of(error));
    for (PendingRequest request : requests) {
      request.future().completeExceptionally(error);
    }
  }

  /**
   * Times the request out at its deadline unless a worker takes it first, so that the client hears
   * of it then rather than when a worker next looks at the queue. The timer is cancelled when the
   * request completes first.
   */
  private void scheduleTimeout(PendingRequest request) {
    if (request.timeoutNanos() == 0) {
      return;
    }
    long delay =
        request.receivedNanos() + request.timeoutNanos() - context.nanoTime().getAsLong();
    ScheduledFuture<?> timer;
    try {
      timer = context.scheduler().schedule(() -> expire(request), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return; // the scheduler is shut down: the batcher still drops the request once expired
    }
    request.future().whenComplete((result, error) -> timer.cancel(false));
  }

  private void expire(PendingRequest request) {
    if (queue.remove(request)) {
      failDropped(List.of(request), context.nanoTime().getAsLong());
    }
  }

  /** Completes timed-out requests without computing them; cancelled ones need no answer. */
  private void failDropped(List<PendingRequest> dropped, long now) {
    if (dropped.isEmpty()) {
      return;
    }
    List<PendingRequest> timedOut = new ArrayList<>(dropped.size());
    for (PendingRequest request : dropped) {
      if (!request.future().isDone()) {
        timedOut.add(request);
      }
    }
    if (timedOut.isEmpty()) {
      return;
    }
    recordFailures(timedOut.size(), totalSince(timedOut, now), Outcome.TIMEOUT);
    for (PendingRequest request : timedOut) {
      long waitedMicros = (now - request.receivedNanos()) / 1_000;
      request
          .future()
          .completeExceptionally(
              new DeadlineExceededException(
                  "request to "
                      + subject
                      + " timed out after "
                      + waitedMicros
                      + " µs in the queue (timeout "
                      + request.timeoutNanos() / 1_000
                      + " µs)"));
    }
  }

  private static long totalSince(List<PendingRequest> requests, long now) {
    long total = 0;
    for (PendingRequest request : requests) {
      total += now - request.receivedNanos();
    }
    return total;
  }

  private void recordFailures(int count, long totalNanos, Outcome outcome) {
    stats.recordFailure(count, totalNanos);
    meters.count(outcome, count);
  }

  private long timeoutNanos(Duration timeout) {
    if (timeout == null) {
      return defaultTimeoutNanos;
    }
    if (timeout.isNegative()) {
      throw new InvalidInputException("timeout must not be negative but was " + timeout);
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      return 0; // longer than ~292 years: no limit
    }
  }

  /**
   * Counts a rejection and builds its error. Retry-After is the time the queued rows take at the
   * compute speed measured so far (a second before the first execution).
   */
  private QueueFullException rejected(long receivedNanos) {
    recordFailures(1, context.nanoTime().getAsLong() - receivedNanos, Outcome.REJECTED);
    long perRow = stats.nanosPerRow();
    long estimate =
        perRow < 0
            ? Duration.ofSeconds(1).toNanos()
            : Math.max(MIN_RETRY_NANOS, queue.queuedRows() * perRow / instances.size());
    return new QueueFullException(
        "the queue of " + subject + " is full (" + queue.depth() + " requests waiting)",
        Duration.ofNanos(estimate));
  }

  /**
   * The error the batch's requests get, naming this version: the runtime's own messages do not
   * name the model. Invalid inputs stay the client's fault; anything else is the server's.
   */
  private ServalException asServalException(Throwable failure) {
    if (failure instanceof InvalidInputException invalid) {
      return validator.naming(invalid);
    }
    String reason = failure instanceof ServalException ? failure.getMessage() : failure.toString();
    return new ModelLoadException(subject + " failed to run: " + reason, failure);
  }

  private static BatchPolicy policy(ModelConfig config, Signature signature, boolean batched) {
    int maxQueueSize = config.dynamicBatching().maxQueueSize();
    if (!batched) {
      return BatchPolicy.unbatched(maxQueueSize);
    }
    boolean dynamicRowDims = false;
    for (TensorSpec input : signature.inputs()) {
      for (int d = 1; d < input.shape().rank(); d++) {
        dynamicRowDims |= input.shape().isDynamic(d);
      }
    }
    return new BatchPolicy(
        config.maxBatchSize(),
        config.dynamicBatching().preferredBatchSizes(),
        config.dynamicBatching().maxQueueDelayMicros() * 1_000,
        maxQueueSize,
        dynamicRowDims);
  }

  private static void warmUp(LoadedModel instance, String model, long version) {
    try {
      instance.run(WarmupInputs.zeros(instance.signature()), Set.of());
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          "warmup of model '" + model + "' version " + version + " failed: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(LoadedModel instance) {
    try {
      instance.close();
    } catch (RuntimeException e) {
      LOG.warn("closing a model instance failed", e);
    }
  }
}
