package dev.serval.jobs;

import dev.serval.jobs.internal.JobRows;
import dev.serval.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded queue: workers look for due QUEUED jobs in the database, oldest first, and claim
 * them with a conditional update. {@link #offer} wakes this process's workers at once; workers
 * elsewhere find the job at their next poll.
 */
public final class DatabaseJobQueue implements JobQueue {
  private static final Logger log = LoggerFactory.getLogger(DatabaseJobQueue.class);
  private static final int CANDIDATES = 16;
  private static final long JOIN_MILLIS = 60_000;

  private final Database db;
  private final Clock clock;
  private final long pollMillis;
  private final Object wake = new Object();

  /** @param poll how often idle workers look for jobs offered by other processes */
  public DatabaseJobQueue(Database db, Clock clock, Duration poll) {
    this.db = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (poll == null || poll.toMillis() < 1) {
      throw new IllegalArgumentException("poll must be at least 1 ms, got " + poll);
    }
    this.pollMillis = poll.toMillis();
  }

  @Override
  public void offer(String jobId) {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  @Override
  public Consumption consume(int slots, Handler handler) {
    List<Thread> threads = new ArrayList<>();
    boolean[] stopped = {false};
    for (int i = 0; i < slots; i++) {
      int offset = i;
      Thread thread = new Thread(() -> loop(offset, handler, stopped), "serval-job-slot-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    return () -> {
      synchronized (wake) {
        stopped[0] = true;
        wake.notifyAll();
      }
      for (Thread thread : threads) {
        join(thread);
      }
    };
  }

  private void loop(int offset, Handler handler, boolean[] stopped) {
    while (!isStopped(stopped)) {
      boolean ran = false;
      try {
        List<String> due = db.transaction(c -> JobRows.due(c, clock.instant(), CANDIDATES));
        // Slots start at different candidates so that they rarely race for the same job.
        for (int i = 0; i < due.size() && !ran && !isStopped(stopped); i++) {
          ran = handler.handle(due.get((i + offset) % due.size()), false);
        }
      } catch (RuntimeException e) {
        log.warn("cannot take jobs from the database: {}", e.getMessage());
      }
      if (!ran) {
        synchronized (wake) {
          if (!stopped[0]) {
            waitQuietly();
          }
        }
      }
    }
  }

  private boolean isStopped(boolean[] stopped) {
    synchronized (wake) {
      return stopped[0];
    }
  }

  private void waitQuietly() {
    try {
      wake.wait(pollMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    offer("");
  }
}
