package dev.serval.jobs;

import dev.serval.core.InvalidInputException;
import dev.serval.jobs.internal.JobRows;
import dev.serval.jobs.internal.LogFiles;
import dev.serval.store.Database;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits, lists, reads and cancels jobs kept in a database shared by every node and worker, and
 * offers queued jobs to the {@link JobQueue}. A job the queue did not take (broker down) or a
 * retry that has become due is offered again by a dispatcher every {@code dispatchInterval}, under
 * a short lease so that nodes do not offer it twice. Each job has a folder {@code jobsDir/ID}
 * with its attempts' logs and its output folder.
 */
public final class Jobs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Jobs.class);
  private static final String MIGRATIONS = "classpath:db/jobs-migration";
  private static final String HISTORY_TABLE = "flyway_jobs_history";
  private static final int DISPATCH_BATCH = 500;
  private static final Duration PUBLISH_LEASE = Duration.ofSeconds(30);
  public static final int MAX_LIMIT = 1000;

  private final Database db;
  private final Path jobsDir;
  private final JobQueue queue;
  private final Clock clock;
  private final Random ids;
  private final ScheduledExecutorService ownScheduler;
  private final ScheduledFuture<?> dispatcher;

  /** A page of jobs, newest first; {@code next} continues it, or is null at the end. */
  public record Page(List<JobRecord> jobs, String next) {}

  private Jobs(Builder b) {
    this.db = b.db;
    this.jobsDir = b.jobsDir;
    this.queue = b.queue;
    this.clock = b.clock;
    this.ids = b.ids;
    this.ownScheduler = b.scheduler == null ? daemonScheduler() : null;
    ScheduledExecutorService scheduler = b.scheduler == null ? ownScheduler : b.scheduler;
    long millis = b.dispatchInterval.toMillis();
    this.dispatcher = scheduler.scheduleWithFixedDelay(
        this::dispatchQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Creates or updates the job tables in {@code db}, as {@link Builder#build()} does; a restore
   * needs them before it puts rows back.
   */
  public static void migrate(Database db) {
    Objects.requireNonNull(db, "db").migrate(MIGRATIONS, HISTORY_TABLE);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Stores the job as QUEUED and offers it to the workers. */
  public JobRecord submit(JobSpec spec) {
    Objects.requireNonNull(spec, "spec");
    String id = newId();
    Instant now = clock.instant();
    db.transaction(c -> {
      JobRows.insert(c, id, spec, now);
      return null;
    });
    offer(id);
    return get(id);
  }

  public JobRecord get(String id) {
    return find(id).orElseThrow(() -> new JobNotFoundException(id));
  }

  /**
   * Jobs newest first.
   *
   * @param state only jobs in this state, or null for all
   * @param after the {@code next} of the page before, or null for the first
   */
  public Page list(JobState state, int limit, String after) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit must be within 1.." + MAX_LIMIT + ", got " + limit);
    }
    return db.transaction(c -> {
      long before = after == null ? Long.MAX_VALUE : JobRows.find(c, after)
          .orElseThrow(() -> new InvalidInputException("after names no job: '" + after + "'"))
          .seq();
      List<JobRows.Row> rows = JobRows.list(c, state, before, limit + 1);
      List<JobRecord> jobs = rows.stream().limit(limit).map(JobRows.Row::job).toList();
      return new Page(jobs, rows.size() > limit ? jobs.get(limit - 1).id() : null);
    });
  }

  /**
   * Cancels a QUEUED job at once; a RUNNING one is stopped by its worker (process tree killed)
   * within a heartbeat and then becomes CANCELLED.
   *
   * @throws JobStateException when the job has already finished
   */
  public JobRecord cancel(String id) {
    JobState was = db.transaction(c -> JobRows.cancel(c, id, clock.instant()))
        .orElseThrow(() -> new JobNotFoundException(id));
    if (was.isFinished()) {
      throw new JobStateException("job " + id + " has already finished (" + was
          + "); only QUEUED and RUNNING jobs can be cancelled");
    }
    return get(id);
  }

  /** The metrics of an attempt, by name then step; {@code attempt} null means the latest. */
  public List<MetricPoint> metrics(String id, Integer attempt) {
    int chosen = attempt(id, attempt);
    return db.transaction(c -> JobRows.metrics(c, id, chosen));
  }

  /** The log files of an attempt; {@code attempt} null means the latest. */
  public LogView log(String id, Integer attempt) {
    return new LogView(LogFiles.of(folder(id), attempt(id, attempt)));
  }

  /** Resolves an attempt number against the job's attempts, checking that it exists. */
  public int attempt(String id, Integer attempt) {
    JobRecord job = get(id);
    if (attempt == null) {
      return Math.max(1, job.attempt());
    }
    if (attempt < 1 || attempt > Math.max(1, job.attempt())) {
      throw new InvalidInputException("attempt must be within 1.." + Math.max(1, job.attempt())
          + " for job " + id + ", got " + attempt);
    }
    return attempt;
  }

  /** The job's folder: logs, metrics file and {@code output/}. */
  public Path folder(String id) {
    return jobsDir.resolve(id);
  }

  Database database() {
    return db;
  }

  Clock clock() {
    return clock;
  }

  java.util.Optional<JobRecord> find(String id) {
    if (id == null || !id.matches("[0-9a-f]{16}")) {
      return java.util.Optional.empty();
    }
    return db.transaction(c -> JobRows.find(c, id)).map(JobRows.Row::job);
  }

  /** Offers every QUEUED job not yet taken by the queue that is due; returns how many. */
  public int dispatch() {
    Instant now = clock.instant();
    List<String> leased = db.transaction(
        c -> JobRows.leaseUnpublished(c, now, now.plus(PUBLISH_LEASE), DISPATCH_BATCH));
    int offered = 0;
    for (String id : leased) {
      if (offer(id)) {
        offered++;
      }
    }
    return offered;
  }

  private boolean offer(String id) {
    try {
      queue.offer(id);
    } catch (QueueUnavailableException e) {
      log.warn("job {} stays queued until the queue takes it: {}", id, e.getMessage());
      db.transaction(c -> {
        JobRows.releasePublishLease(c, id);
        return null;
      });
      return false;
    }
    db.transaction(c -> {
      JobRows.markEnqueued(c, id, clock.instant());
      return null;
    });
    return true;
  }

  private void dispatchQuietly() {
    try {
      dispatch();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule; the next round tries again.
      log.warn("cannot offer queued jobs: {}", e.getMessage());
    }
  }

  private String newId() {
    byte[] bytes = new byte[8];
    synchronized (ids) {
      ids.nextBytes(bytes);
    }
    return HexFormat.of().formatHex(bytes);
  }

  private static ScheduledExecutorService daemonScheduler() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "serval-jobs-dispatch");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Stops the dispatcher; the database and queue belong to the caller. */
  @Override
  public void close() {
    dispatcher.cancel(false);
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
  }

  /** Validating builder; {@link #build} migrates the job tables. */
  public static final class Builder {
    private Database db;
    private Path jobsDir;
    private JobQueue queue;
    private Clock clock = Clock.systemUTC();
    private Random ids = new SecureRandom();
    private Duration dispatchInterval = Duration.ofSeconds(1);
    private ScheduledExecutorService scheduler;

    private Builder() {}

    /** Required: where jobs are kept, e.g. the registry's {@code ModelRegistry.database()}. */
    public Builder database(Database database) {
      this.db = Objects.requireNonNull(database, "database");
      return this;
    }

    /** Required: the folder under which each job gets its own. */
    public Builder jobsDir(Path dir) {
      this.jobsDir = Objects.requireNonNull(dir, "jobsDir").toAbsolutePath();
      return this;
    }

    /** Required: how workers learn of jobs. */
    public Builder queue(JobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Source of job ids; default a {@link SecureRandom}. */
    public Builder ids(Random random) {
      this.ids = Objects.requireNonNull(random, "ids");
      return this;
    }

    /** How often jobs not yet taken by the queue are offered again (default 1 s). */
    public Builder dispatchInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 1) {
        throw new InvalidInputException("dispatchInterval must be at least 1 ms, got " + interval);
      }
      this.dispatchInterval = interval;
      return this;
    }

    /** Runs the dispatcher; default a daemon thread that {@link Jobs#close} stops. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    public Jobs build() {
      if (db == null || jobsDir == null || queue == null) {
        throw new IllegalStateException("Jobs needs database, jobsDir and queue");
      }
      migrate(db);
      return new Jobs(this);
    }
  }
}
