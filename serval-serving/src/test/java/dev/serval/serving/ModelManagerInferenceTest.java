package dev.serval.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.serval.core.DataType;
import dev.serval.core.DeadlineExceededException;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelLoadException;
import dev.serval.core.QueueFullException;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.serving.ModelStatistics.BatchStat;
import dev.serval.serving.ModelStatistics.Stat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Inference through the manager with {@link FakeModel}. Batches are made deterministic by holding
 * the model at its gate while requests queue up behind the running one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelManagerInferenceTest extends AbstractManagerTest {
  private static final long FIXED_MILLIS = 1_700_000_000_000L;
  private static final String NO_DELAY =
      "{\"dynamic_batching\": {\"max_queue_delay_microseconds\": 0}}";
  private static final String NO_DELAY_AT_MOST_4 =
      "{\"max_batch_size\": 4, \"dynamic_batching\": {\"max_queue_delay_microseconds\": 0}}";

  private final FakeTicker ticker = new FakeTicker();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private FakeBackend backend;

  @Test
  void everyRequestGetsItsOwnRowsBackUnderConcurrentLoad() throws Exception {
    FakeModel model = serve("{\"max_batch_size\": 8, \"instance_count\": 2}", -1, System::nanoTime);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      int client = c;
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 300; i++) {
                  int rows = 1 + (i % 3);
                  float first = client * 100_000 + i * 10;
                  InferenceRequest request =
                      Requests.to("m").id(client + "-" + i).rows(rows, first).build();
                  InferenceResult result = manager.infer(request).join();
                  float[] x = Requests.floats(request);
                  float[] y = Requests.floats(result.outputs().get(0));
                  float[] z = Requests.floats(result.outputs().get(1));
                  assertThat(result.id()).isEqualTo(client + "-" + i);
                  assertThat(result.outputs().get(0).shape()).isEqualTo(Shape.of(rows, 2));
                  for (int k = 0; k < x.length; k++) {
                    assertThat(y[k]).isEqualTo(2 * x[k]);
                    assertThat(z[k]).isEqualTo(x[k] + 1);
                  }
                }
              },
              runnable -> new Thread(runnable).start()));
    }

    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();

    ModelStatistics stats = manager.statistics("m", "1").get(0);
    assertThat(stats.success().count()).isEqualTo(2400);
    assertThat(stats.inferenceCount()).isEqualTo(8 * 100 * (1 + 2 + 3));
    assertThat(backend.created).hasSize(2);
    assertThat(model.servedBatches()).allSatisfy(rows -> assertThat(rows).isBetween(1, 8));
  }

  @Test
  void mergesQueuedRequestsIntoBatchesOfAtMostMaxBatchSize() throws Exception {
    FakeModel model = serve(NO_DELAY_AT_MOST_4, -1).gated();
    List<CompletableFuture<InferenceResult>> results =
        queueBehindFirst(
            model, rows(1, 0), rows(1, 10), rows(1, 20), rows(1, 30), rows(1, 40), rows(1, 50),
            rows(1, 60));

    model.release(3);

    for (int i = 0; i <= 6; i++) {
      assertThat(Requests.floats(results.get(i).get().outputs().get(0)))
          .containsExactly(20 * i, 20 * i + 2);
    }
    assertThat(model.servedBatches()).containsExactly(1, 4, 2);
  }

  @Test
  void neverSplitsARequestAndKeepsArrivalOrder() throws Exception {
    FakeModel model = serve(NO_DELAY_AT_MOST_4, -1).gated();
    List<CompletableFuture<InferenceResult>> results =
        queueBehindFirst(model, rows(1, 0), rows(3, 0), rows(2, 0), rows(1, 0));

    model.release(3);

    awaitAll(results);
    assertThat(model.servedBatches()).containsExactly(1, 3, 3);
    assertThat(results.get(3).get().outputs().get(0).shape()).isEqualTo(Shape.of(1, 2));
  }

  @Test
  void dispatchesAPreferredBatchSizeWithoutWaitingForTheDelay() throws Exception {
    FakeModel model =
        serve(
            "{\"max_batch_size\": 8, \"dynamic_batching\": {"
                + "\"max_queue_delay_microseconds\": 600000000, \"preferred_batch_size\": [3]}}",
            -1);

    List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      results.add(infer(rows(1, i)));
    }

    awaitAll(results);
    assertThat(model.servedBatches()).containsExactly(3);
  }

  @Test
  void aBatchableModelWithMaxBatchSizeZeroRunsEachRequestAlone() throws Exception {
    FakeModel model = serve("{\"max_batch_size\": 0}", -1).gated();

    assertThat(batchesRunFor(model, rows(2, 0), rows(100, 0), rows(1, 0)))
        .containsExactly(2, 100, 1);
  }

  @Test
  void aModelWithAFixedFirstDimensionIsServedUnbatched() throws Exception {
    FakeModel model = serve("{\"max_batch_size\": 64}", 1).gated();

    assertThat(batchesRunFor(model, rows(1, 0), rows(1, 0), rows(1, 0))).containsExactly(1, 1, 1);
  }

  @Test
  void dropsRequestsWhoseTimeoutPassedBeforeCompute() throws Exception {
    FakeModel model = serve(NO_DELAY, -1).gated();
    CompletableFuture<InferenceResult> running = inferUntilRunning(model, rows(1, 0));
    CompletableFuture<InferenceResult> impatient =
        infer(rows(1, 0).timeout(Duration.ofNanos(100_000)));
    CompletableFuture<InferenceResult> patient = infer(rows(1, 7));

    ticker.advanceMicros(150);
    model.release(2);

    assertThat(running.get().outputs()).hasSize(2);
    assertThat(Requests.floats(patient.get().outputs().get(0))).containsExactly(14, 16);
    assertThatThrownBy(impatient::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("timed out after 150 µs in the queue (timeout 100 µs)");
    assertThat(model.servedBatches()).containsExactly(1, 1);
    assertThat(manager.statistics("m", "1").get(0).fail().count()).isEqualTo(1);
    assertThat(counter("timeout")).isEqualTo(1);
  }

  @Test
  void answersATimeoutAtTheDeadlineNotWhenTheBatchWindowCloses() throws Exception {
    FakeModel model =
        serve(
            "{\"max_batch_size\": 8, \"dynamic_batching\": {"
                + "\"max_queue_delay_microseconds\": 600000000, \"preferred_batch_size\": [2]}}",
            -1);
    CompletableFuture<InferenceResult> impatient =
        infer(rows(1, 0).timeout(Duration.ofNanos(100_000)));

    ticker.advanceMicros(100);

    assertThat(impatient).isCompletedExceptionally();
    assertThatThrownBy(impatient::get)
        .cause()
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessage(
            "request to model 'm' version 1 timed out after 100 µs in the queue (timeout 100 µs)");
    assertThat(gauge("serval.queue.depth")).isZero();
    awaitAll(List.of(infer(rows(1, 1)), infer(rows(1, 2))));
    assertThat(model.servedBatches()).containsExactly(2);
    assertThat(manager.statistics("m", "1").get(0).fail().count()).isEqualTo(1);
    assertThat(counter("timeout")).isEqualTo(1);
    assertThat(counter("success")).isEqualTo(2);
  }

  @Test
  void aRequestWhoseComputeHasStartedIsNotTimedOut() throws Exception {
    FakeModel model = serve(NO_DELAY, -1).gated();
    CompletableFuture<InferenceResult> running =
        inferUntilRunning(model, rows(1, 0).timeout(Duration.ofNanos(100_000)));

    ticker.advanceMicros(1_000);

    assertThat(running).isNotDone();
    model.release(1);
    assertThat(running.get().outputs()).hasSize(2);
    assertThat(counter("timeout")).isZero();
    assertThat(counter("success")).isEqualTo(1);
  }

  @Test
  void cancelsTheTimerOfARequestAnsweredBeforeItsDeadline() throws Exception {
    serve(NO_DELAY, -1);

    infer(rows(1, 0).timeout(Duration.ofSeconds(1))).get();

    assertThat(ticker.pendingTimers()).isZero();
  }

  @Test
  void neverComputesARequestCancelledWhileItWaits() throws Exception {
    FakeModel model = serve(NO_DELAY, -1).gated();
    List<CompletableFuture<InferenceResult>> results =
        queueBehindFirst(model, rows(1, 0), rows(1, 0), rows(1, 7));

    results.get(1).cancel(false);
    model.release(2);

    assertThat(results.get(0).get().outputs()).hasSize(2);
    assertThat(Requests.floats(results.get(2).get().outputs().get(0))).containsExactly(14, 16);
    assertThat(model.servedBatches()).containsExactly(1, 1);
    assertThat(counter("success")).isEqualTo(2);
  }

  @Test
  void appliesTheConfiguredDefaultTimeout() throws Exception {
    FakeModel model = serve(noDelayAnd("\"default_timeout_microseconds\": 100"), -1).gated();
    CompletableFuture<InferenceResult> running = inferUntilRunning(model, rows(1, 0));
    CompletableFuture<InferenceResult> queued = infer(rows(1, 0));
    CompletableFuture<InferenceResult> unlimited = infer(rows(1, 0).timeout(Duration.ZERO));

    ticker.advanceMicros(100);
    model.release(2);

    assertThat(running.get().outputs()).isNotEmpty();
    assertThat(unlimited.get().outputs()).isNotEmpty();
    assertThatThrownBy(queued::get).cause().isInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void aFullQueueRejectsWithARetryAfterEstimate() throws Exception {
    FakeModel model = serve(noDelayAnd("\"max_queue_size\": 2"), -1).gated();
    CompletableFuture<InferenceResult> running = inferUntilRunning(model, rows(1, 0));
    CompletableFuture<InferenceResult> second = infer(rows(1, 0));
    CompletableFuture<InferenceResult> third = infer(rows(1, 0));

    assertThatThrownBy(() -> infer(rows(1, 0)))
        .isInstanceOfSatisfying(
            QueueFullException.class, e -> assertThat(e.retryAfter()).isPositive())
        .hasMessage("the queue of model 'm' version 1 is full (2 requests waiting)");
    assertThat(gauge("serval.queue.depth")).isEqualTo(2);

    model.release(2);
    CompletableFuture.allOf(running, second, third).get();
    assertThat(counter("rejected")).isEqualTo(1);
    assertThat(counter("success")).isEqualTo(3);
  }

  @Test
  void aRuntimeFailureFailsItsWholeBatchButNotTheWorker() throws Exception {
    FakeModel model = serve(NO_DELAY, -1).gated();
    CompletableFuture<InferenceResult> running = inferUntilRunning(model, rows(1, 0));
    CompletableFuture<InferenceResult> second = infer(rows(1, 0));
    CompletableFuture<InferenceResult> third = infer(rows(1, 0));
    model.failure = new IllegalStateException("native crash simulated");

    model.release(2);

    for (CompletableFuture<InferenceResult> failed : List.of(running, second, third)) {
      assertThatThrownBy(failed::get)
          .cause()
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("model 'm' version 1 failed to run")
          .hasMessageContaining("native crash simulated");
    }
    assertThat(model.servedBatches()).containsExactly(1, 2);

    model.failure = null;
    model.release(1);
    assertThat(infer(rows(1, 1)).get().outputs()).hasSize(2);
    assertThat(counter("error")).isEqualTo(3);
  }

  @Test
  void returnsOnlyTheOutputsEachRequestAskedFor() throws Exception {
    FakeModel model = serve(NO_DELAY, -1).gated();
    CompletableFuture<InferenceResult> running = inferUntilRunning(model, rows(1, 0));
    CompletableFuture<InferenceResult> wantsY = infer(rows(1, 1).outputs("y"));
    CompletableFuture<InferenceResult> wantsZ = infer(rows(1, 1).outputs("z"));

    model.release(2);

    assertThat(running.get().outputs()).extracting(Tensor::name).containsExactly("y", "z");
    assertThat(wantsY.get().outputs()).extracting(Tensor::name).containsExactly("y");
    assertThat(Requests.floats(wantsZ.get().outputs().get(0))).containsExactly(2, 3);
    assertThat(wantsZ.get().outputs()).extracting(Tensor::name).containsExactly("z");
  }

  @Test
  void rejectsRequestsThatDoNotMatchTheSignature() {
    serve("{\"max_batch_size\": 4}", -1);
    Tensor good = Requests.fp32("x", Shape.of(1, 2), 1, 2);

    assertInvalid(
        Requests.to("m").inputs(good, Requests.fp32("w", Shape.of(1, 2), 1, 2)),
        "model 'm' version 1 has no input named 'w'; its inputs are [x]");
    assertInvalid(
        Requests.to("m").inputs(),
        "model 'm' version 1 requires input 'x' which the request lacks");
    assertInvalid(Requests.to("m").inputs(good, good), "input 'x' is given more than once");
    assertInvalid(
        Requests.to("m")
            .inputs(Tensor.of("x", DataType.INT32, Shape.of(1, 2), ByteBuffer.allocate(8))),
        "input 'x' has datatype INT32 but model 'm' version 1 expects FP32");
    assertInvalid(
        Requests.to("m").inputs(Requests.fp32("x", Shape.of(1, 3), 1, 2, 3)),
        "input 'x' has shape [1, 3] but model 'm' version 1 expects [-1, 2] (-1 = any size)");
    assertInvalid(
        Requests.to("m").inputs(Requests.fp32("x", Shape.of(2), 1, 2)),
        "input 'x' has shape [2] but model 'm' version 1 expects [-1, 2] (-1 = any size)");
    assertInvalid(
        rows(5, 0),
        "batch size (first dimension) of input 'x' is 5 but model 'm' version 1 accepts 1 to 4"
            + " (max_batch_size)");
    assertInvalid(
        Requests.to("m").inputs(Requests.fp32("x", Shape.of(0, 2))),
        "batch size (first dimension) of input 'x' is 0 but model 'm' version 1 accepts 1 to 4"
            + " (max_batch_size)");
    assertInvalid(
        rows(1, 0).outputs("q"),
        "model 'm' version 1 has no output named 'q'; its outputs are [y, z]");
    assertInvalid(
        rows(1, 0).timeout(Duration.ofMillis(-1)),
        "timeout must not be negative but was PT-0.001S");
    assertThat(counter("invalid")).isEqualTo(10);
    assertThat(manager.statistics("m", "1").get(0).fail().count()).isEqualTo(10);
  }

  @Test
  void keepsTritonStyleStatistics() throws Exception {
    FakeModel model = serve(NO_DELAY_AT_MOST_4, -1).gated();
    CompletableFuture<InferenceResult> first = inferUntilRunning(model, rows(1, 0));
    ticker.advanceMicros(10);
    CompletableFuture<InferenceResult> second = infer(rows(2, 0));
    CompletableFuture<InferenceResult> third = infer(rows(1, 0));
    ticker.advanceMicros(5);

    model.release(2);
    CompletableFuture.allOf(first, second, third).get();

    ModelStatistics stats = manager.statistics("m", "1").get(0);
    assertThat(stats.name()).isEqualTo("m");
    assertThat(stats.version()).isEqualTo("1");
    assertThat(stats.lastInferenceMillis()).isEqualTo(FIXED_MILLIS);
    assertThat(stats.inferenceCount()).isEqualTo(4);
    assertThat(stats.executionCount()).isEqualTo(2);
    assertThat(stats.success().count()).isEqualTo(3);
    assertThat(stats.success().nanos()).isEqualTo((15 + 5 + 5) * 1_000L);
    assertThat(stats.queue()).isEqualTo(new Stat(3, (0 + 5 + 5) * 1_000L));
    assertThat(stats.computeInfer().count()).isEqualTo(3);
    assertThat(stats.fail()).isEqualTo(new Stat(0, 0));
    assertThat(stats.batches())
        .extracting(BatchStat::batchSize, b -> b.computeInfer().count())
        .containsExactly(tuple(1L, 1L), tuple(3L, 1L));
    assertThat(manager.statistics(null, null)).hasSize(1);
    assertThat(registry.get("serval.batch.size").tag("model", "m").summary().totalAmount())
        .isEqualTo(4);
    assertThat(registry.get("serval.queue.duration").timer().count()).isEqualTo(3);
    assertThat(registry.get("serval.compute.duration").timer().count()).isEqualTo(2);
  }

  @Test
  void countsLoadedModelsAndDropsTheMetersOfUnloadedVersions() {
    serve("{}", -1);

    assertThat(gauge("serval.models.loaded")).isEqualTo(1);
    manager.unload("m");

    assertThat(gauge("serval.models.loaded")).isZero();
    assertThat(registry.find("serval.requests").counters()).isEmpty();
  }

  private void assertInvalid(Requests request, String message) {
    assertThatThrownBy(() -> infer(request))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(message);
  }

  /**
   * Serves model "m" version 1 from a {@link FakeModel} with the given first dimension, on the
   * frozen test clock: batches wait for the delay window only if it is 0.
   */
  private FakeModel serve(String config, long firstDim) {
    return serve(config, firstDim, ticker);
  }

  /** A config whose batches leave as soon as a worker is free, with one more batching setting. */
  private static String noDelayAnd(String setting) {
    return "{\"dynamic_batching\": {\"max_queue_delay_microseconds\": 0, " + setting + "}}";
  }

  /** A request to model "m" with input x of {@code rows} rows holding first, first + 1, ... */
  private static Requests rows(int rows, float first) {
    return Requests.to("m").rows(rows, first);
  }

  /**
   * Sends the first request and, once the model holds it at its gate, the others, which so queue
   * up behind it in order. Returns the results in the order sent.
   */
  private List<CompletableFuture<InferenceResult>> queueBehindFirst(
      FakeModel model, Requests first, Requests... queued) {
    List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
    results.add(inferUntilRunning(model, first));
    for (Requests request : queued) {
      results.add(infer(request));
    }
    return results;
  }

  /**
   * The rows of each batch the gated model runs for these requests, when the others queue up
   * behind the first.
   */
  private List<Integer> batchesRunFor(FakeModel model, Requests first, Requests... queued)
      throws Exception {
    List<CompletableFuture<InferenceResult>> results = queueBehindFirst(model, first, queued);
    model.release(results.size());
    awaitAll(results);
    return model.servedBatches();
  }

  private static void awaitAll(List<CompletableFuture<InferenceResult>> results) throws Exception {
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get();
  }

  private FakeModel serve(String config, long firstDim, LongSupplier nanoTime) {
    Repos.fakeModel(root, "m", 1);
    Repos.config(root, "m", config);
    backend = new FakeBackend(artifact -> new FakeModel(firstDim, 2));
    start(
        managerOf(backend)
            .meterRegistry(registry)
            .nanoTime(nanoTime)
            .scheduler(ticker.scheduler())
            .clock(Clock.fixed(Instant.ofEpochMilli(FIXED_MILLIS), ZoneOffset.UTC)));
    assertThat(manager.index(false).get(0).state()).isEqualTo(ModelState.READY);
    return backend.created.get(0);
  }

  private double counter(String outcome) {
    return registry.get("serval.requests").tag("outcome", outcome).counter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }
}
