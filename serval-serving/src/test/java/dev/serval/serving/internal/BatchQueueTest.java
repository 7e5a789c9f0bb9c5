package dev.serval.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.Tensor;
import dev.serval.serving.FakeTicker;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The batching decision, driven from the test thread with a frozen clock. Timeouts only guard
 * against hangs; no assertion depends on real time.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BatchQueueTest {
  private static final long LONG_DELAY_NANOS = TimeUnit.HOURS.toNanos(1);

  private final FakeTicker ticker = new FakeTicker();

  @Test
  void takesAtMostMaxRowsInArrivalOrder() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(4, List.of(), 0, 100, false));
    List<PendingRequest> sent = offerAll(queue, 1, 1, 1, 1, 1, 1);

    Batch first = queue.take();
    Batch second = queue.take();

    assertThat(first.requests()).containsExactlyElementsOf(sent.subList(0, 4));
    assertThat(first.rows()).isEqualTo(4);
    assertThat(second.requests()).containsExactlyElementsOf(sent.subList(4, 6));
  }

  @Test
  void neverSplitsARequestAcrossBatches() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(4, List.of(), LONG_DELAY_NANOS, 100, false));
    List<PendingRequest> sent = offerAll(queue, 3, 2);

    assertThat(queue.take().requests()).containsExactly(sent.get(0));
    ticker.advanceMicros(LONG_DELAY_NANOS / 1_000);
    assertThat(queue.take().requests()).containsExactly(sent.get(1));
  }

  @Test
  void dispatchesAFullBatchWithoutWaitingForTheDelay() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(3, List.of(), LONG_DELAY_NANOS, 100, false));
    offerAll(queue, 1, 2);

    assertThat(queue.take().rows()).isEqualTo(3);
  }

  @Test
  void dispatchesTheLargestPreferredSizeThatCanBeFormed() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(2, 4), LONG_DELAY_NANOS, 100, false));
    List<PendingRequest> sent = offerAll(queue, 1, 1, 1, 1, 1);

    Batch batch = queue.take();

    assertThat(batch.requests()).containsExactlyElementsOf(sent.subList(0, 4));
  }

  @Test
  void waitsForTheDelayWindowThenTakesEverythingThatArrived() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), 1_000_000, 100, false));
    offerAll(queue, 1);
    CompletableFuture<Batch> taken = takeAsync(queue);
    offerAll(queue, 2, 1);

    ticker.advanceMicros(1_000);

    assertThat(taken.get().rows()).isEqualTo(4);
  }

  @Test
  void aRequestArrivingAfterAnEmptyWaitStartsANewWindow() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), 1_000_000, 100, false));
    CompletableFuture<Batch> taken = takeAsync(queue);
    PendingRequest late = offerAll(queue, 1).get(0);
    offerAll(queue, 1);

    ticker.advanceMicros(1_000);

    assertThat(taken.get().requests()).startsWith(late).hasSize(2);
  }

  @Test
  void dropsExpiredRequestsBeforeTheyAreBatched() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), 0, 100, false));
    PendingRequest expiring = pending(1, 500_000);
    PendingRequest patient = pending(1, 0);
    queue.offer(expiring);
    queue.offer(patient);

    ticker.advanceMicros(500);
    Batch batch = queue.take();

    assertThat(batch.dropped()).containsExactly(expiring);
    assertThat(batch.requests()).containsExactly(patient);
  }

  @Test
  void handsOutDroppedRequestsEvenWhenNothingIsLeftToRun() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), 0, 100, false));
    PendingRequest expiring = pending(1, 1_000);
    queue.offer(expiring);

    ticker.advanceMicros(1);
    Batch batch = queue.take();

    assertThat(batch.requests()).isEmpty();
    assertThat(batch.dropped()).containsExactly(expiring);
  }

  @Test
  void skipsRequestsCancelledByTheCaller() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), 0, 100, false));
    List<PendingRequest> sent = offerAll(queue, 1, 1);
    sent.get(0).future().cancel(false);

    assertThat(queue.take().requests()).containsExactly(sent.get(1));
  }

  @Test
  void refusesRequestsBeyondTheQueueSize() {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), 0, 2, false));
    offerAll(queue, 1, 1);

    assertThat(queue.offer(pending(1, 0))).isEqualTo(BatchQueue.Offer.FULL);
    assertThat(queue.depth()).isEqualTo(2);
  }

  @Test
  void afterShutdownRefusesNewRequestsButHandsOutQueuedOnesWithoutWaiting() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), LONG_DELAY_NANOS, 100, false));
    List<PendingRequest> sent = offerAll(queue, 1, 1);

    queue.shutdown();

    assertThat(queue.offer(pending(1, 0))).isEqualTo(BatchQueue.Offer.CLOSED);
    assertThat(queue.take().requests()).containsExactlyElementsOf(sent);
    assertThat(queue.take()).isNull();
  }

  @Test
  void shutdownWakesAWaitingWorker() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), 0, 100, false));
    CompletableFuture<Batch> taken = takeAsync(queue);

    queue.shutdown();

    assertThat(taken.get()).isNull();
  }

  @Test
  void keepsRequestsWithDifferentRowShapesInSeparateBatches() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(8, List.of(), 0, 100, true));
    PendingRequest narrow = pending(Shape.of(1, 2), 0);
    PendingRequest wide = pending(Shape.of(1, 3), 0);
    PendingRequest narrowAgain = pending(Shape.of(1, 2), 0);
    queue.offer(narrow);
    queue.offer(wide);
    queue.offer(narrowAgain);

    assertThat(queue.take().requests()).containsExactly(narrow);
    assertThat(queue.take().requests()).containsExactly(wide);
    assertThat(queue.take().requests()).containsExactly(narrowAgain);
  }

  @Test
  void unbatchedPolicyRunsOneRequestAtATime() throws Exception {
    BatchQueue queue = queue(BatchPolicy.unbatched(100));
    List<PendingRequest> sent = offerAll(queue, 1, 1);

    assertThat(queue.take().requests()).containsExactly(sent.get(0));
    assertThat(queue.take().requests()).containsExactly(sent.get(1));
  }

  @Test
  void twoWorkersNeverTakeTheSameRequest() throws Exception {
    BatchQueue queue = queue(new BatchPolicy(2, List.of(), 0, 1_000, false));
    List<PendingRequest> sent = offerAll(queue, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    queue.shutdown();
    CompletableFuture<List<PendingRequest>> first = drainAsync(queue);
    CompletableFuture<List<PendingRequest>> second = drainAsync(queue);

    List<PendingRequest> all = new ArrayList<>(first.get());
    all.addAll(second.get());

    assertThat(all).containsExactlyInAnyOrderElementsOf(sent);
  }

  private BatchQueue queue(BatchPolicy policy) {
    return new BatchQueue(policy, ticker);
  }

  private List<PendingRequest> offerAll(BatchQueue queue, int... rows) {
    List<PendingRequest> sent = new ArrayList<>();
    for (int r : rows) {
      PendingRequest request = pending(r, 0);
      assertThat(queue.offer(request)).isEqualTo(BatchQueue.Offer.ACCEPTED);
      sent.add(request);
    }
    return sent;
  }

  private PendingRequest pending(int rows, long timeoutNanos) {
    return pending(Shape.of(rows, 2), timeoutNanos);
  }

  private PendingRequest pending(Shape shape, long timeoutNanos) {
    ByteBuffer data = ByteBuffer.allocate((int) shape.elementCount() * 4);
    Tensor x = Tensor.of("x", DataType.FP32, shape, data);
    return new PendingRequest(
        null,
        new Tensor[] {x},
        Set.of(),
        (int) shape.dim(0),
        ticker.getAsLong(),
        timeoutNanos,
        new CompletableFuture<>());
  }

  private static CompletableFuture<Batch> takeAsync(BatchQueue queue) {
    return async(queue::take);
  }

  private static CompletableFuture<List<PendingRequest>> drainAsync(BatchQueue queue) {
    return async(
        () -> {
          List<PendingRequest> taken = new ArrayList<>();
          for (Batch batch = queue.take(); batch != null; batch = queue.take()) {
            taken.addAll(batch.requests());
          }
          return taken;
        });
  }

  /** Runs on a thread of its own: the common pool may have a single thread on 2 cores. */
  private static <T> CompletableFuture<T> async(Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(task.call());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            });
    thread.setDaemon(true);
    thread.start();
    return result;
  }
}
