package dev.serval.serving.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The bounded request queue of one model version and the dynamic batching decision.
 *
 * <p>Workers take turns as the one "leader" that gathers the next batch while the others compute or
 * wait, so that two workers never wait for the same requests. The leader sleeps on a condition and
 * producers wake it only when the rows queued reach the next size worth dispatching; the delay
 * window is a timed wait, so waiting costs no CPU.
 *
 * <p>Requests leave in arrival order: a request that does not fit in the current batch ends it and
 * starts the next one.
 */
final class BatchQueue {
  /** Result of {@link #offer}. */
  enum Offer {
    ACCEPTED,
    FULL,
    CLOSED
  }

  private final BatchPolicy policy;
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition leaderWait = lock.newCondition();
  private final Condition followerWait = lock.newCondition();
  private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();

  private int queuedRows;
  private boolean accepting = true;
  private boolean leaderPresent;
  private int wakeAtRows = Integer.MAX_VALUE;
  private List<PendingRequest> stale;
  private volatile int depth;
  private volatile int depthRows;

  BatchQueue(BatchPolicy policy, LongSupplier nanoTime) {
    this.policy = policy;
    this.nanoTime = nanoTime;
  }

  Offer offer(PendingRequest request) {
    lock.lock();
    try {
      if (!accepting) {
        return Offer.CLOSED;
      }
      if (queue.size() >= policy.maxQueueSize()) {
        return Offer.FULL;
      }
      queue.addLast(request);
      queuedRows += request.rows();
      publishDepth();
      if (queuedRows >= wakeAtRows) {
        leaderWait.signal();
      }
      return Offer.ACCEPTED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Blocks until a batch is due and removes it from the queue.
   *
   * @return the next batch, or null once the queue is shut down and empty
   */
  Batch take() throws InterruptedException {
    lock.lock();
    try {
      while (leaderPresent) {
        if (!accepting && queue.isEmpty()) {
          return null;
        }
        followerWait.await();
      }
      leaderPresent = true;
      try {
        return gather();
      } finally {
        leaderPresent = false;
        wakeAtRows = Integer.MAX_VALUE;
        followerWait.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes a request out of the queue if it is still waiting there.
   *
   * @return false when a worker has taken it already (or it was never queued)
   */
  boolean remove(PendingRequest request) {
    lock.lock();
    try {
      for (Iterator<PendingRequest> it = queue.iterator(); it.hasNext(); ) {
        if (it.next() == request) {
          it.remove();
          queuedRows -= request.rows();
          publishDepth();
          return true;
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Stops accepting requests; queued ones are still handed out, without waiting for more. */
  void shutdown() {
    lock.lock();
    try {
      accepting = false;
      leaderWait.signalAll();
      followerWait.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Requests waiting; read without locking, for gauges and estimates. */
  int depth() {
    return depth;
  }

  /** Rows waiting; read without locking, for estimates. */
  int queuedRows() {
    return depthRows;
  }

  private Batch gather() throws InterruptedException {
    while (true) {
      long now = nanoTime.getAsLong();
      Candidate next = scan(now);
      publishDepth();
      if (next.count() == 0) {
        if (stale == null && accepting) {
          wakeAtRows = 1;
          leaderWait.await();
          continue;
        }
        return stale == null ? null : handOut(0);
      }
      long waited = now - next.firstReceivedNanos();
      if (next.full() || !accepting || waited >= policy.maxDelayNanos()) {
        return handOut(next.count());
      }
      if (next.preferredCount() > 0) {
        return handOut(next.preferredCount());
      }
      wakeAtRows = policy.nextThreshold(next.rows());
      leaderWait.awaitNanos(policy.maxDelayNanos() - waited);
    }
  }

  /**
   * Moves stale requests out of the queue (into {@link #stale}) while measuring the longest run of
   * requests from the head that can form one batch.
   */
  private Candidate scan(long now) {
    PendingRequest first = null;
    int rows = 0;
    int count = 0;
    int preferredCount = 0;
    for (Iterator<PendingRequest> it = queue.iterator(); it.hasNext(); ) {
      PendingRequest request = it.next();
      if (request.isStale(now)) {
        it.remove();
        queuedRows -= request.rows();
        stale = stale == null ? new ArrayList<>() : stale;
        stale.add(request);
        continue;
      }
      if (first == null) {
        first = request;
      } else if (rows + request.rows() > policy.maxRows() || !policy.canShare(first, request)) {
        return new Candidate(first.receivedNanos(), rows, count, preferredCount, true);
      }
      rows += request.rows();
      count++;
      if (policy.isPreferred(rows)) {
        preferredCount = count;
      }
    }
    long firstReceived = first == null ? now : first.receivedNanos();
    return new Candidate(firstReceived, rows, count, preferredCount, rows == policy.maxRows());
  }

  /** Removes the first {@code count} requests and hands them out with the stale ones. */
  private Batch handOut(int count) {
    List<PendingRequest> requests = new ArrayList<>(count);
    int rows = 0;
    for (int i = 0; i < count; i++) {
      PendingRequest request = queue.pollFirst();
      requests.add(request);
      rows += request.rows();
    }
    queuedRows -= rows;
    publishDepth();
    Batch batch = new Batch(requests, rows, stale == null ? List.of() : stale);
    stale = null;
    return batch;
  }

  private void publishDepth() {
    depth = queue.size();
    depthRows = queuedRows;
  }

  /**
   * The requests a batch could take now.
   *
   * @param firstReceivedNanos arrival of the oldest, which starts the delay window
   * @param rows their rows
   * @param count how many, from the head of the queue
   * @param preferredCount how many make the largest preferred size, or 0
   * @param full whether the batch cannot grow: it is at the maximum, or the next request does not
   *     fit or cannot share it
   */
  private record Candidate(
      long firstReceivedNanos, int rows, int count, int preferredCount, boolean full) {}
}
