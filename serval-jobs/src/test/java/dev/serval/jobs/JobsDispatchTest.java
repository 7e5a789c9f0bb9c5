package dev.serval.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher offers queued jobs to a queue that may be down, as a broker restart makes it. */
class JobsDispatchTest {
  @TempDir Path dir;
  private final AtomicBoolean queueDown = new AtomicBoolean();
  private Database db;
  private DatabaseJobQueue queue;
  private Jobs jobs;

  @BeforeEach
  void openJobs() {
    db = Database.of("jdbc:h2:" + dir.resolve("jobs"), "sa", "");
    queue = new DatabaseJobQueue(db, Clock.systemUTC(), Duration.ofMillis(50));
    // The background dispatcher never runs: the test calls dispatch() itself.
    jobs = Jobs.builder().database(db).jobsDir(dir.resolve("jobs-dir")).queue(new Failing())
        .dispatchInterval(Duration.ofHours(1)).build();
  }

  @AfterEach
  void close() {
    jobs.close();
    queue.close();
    db.close();
  }

  @Test
  void jobWhoseOfferFailedIsOfferedAgainByTheNextDispatchRound() {
    queueDown.set(true);
    JobRecord job = jobs.submit(JobSpec.builder("waits", List.of("true")).build());
    assertThat(job.state()).isEqualTo(JobState.QUEUED);
    assertThat(jobs.dispatch()).as("offered while the queue is down").isZero();

    queueDown.set(false);

    // Without giving up its lease, the failed round would hold the job back for 30 s.
    assertThat(jobs.dispatch()).isEqualTo(1);
    assertThat(jobs.dispatch()).as("an offered job is not offered again").isZero();
  }

  /** The real database queue, refusing offers while {@link #queueDown} is set. */
  private final class Failing implements JobQueue {
    @Override
    public void offer(String jobId) {
      if (queueDown.get()) {
        throw new QueueUnavailableException("the queue is down for the test", null);
      }
      queue.offer(jobId);
    }

    @Override
    public Consumption consume(int slots, Handler handler) {
      return queue.consume(slots, handler);
    }

    @Override
    public void close() {}
  }
}
