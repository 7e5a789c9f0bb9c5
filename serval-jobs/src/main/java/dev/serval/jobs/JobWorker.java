package dev.serval.jobs;

import dev.serval.core.InvalidInputException;
import dev.serval.core.ServalException;
import dev.serval.jobs.internal.AttemptRunner;
import dev.serval.jobs.internal.AttemptRunner.Outcome;
import dev.serval.jobs.internal.CpuBudget;
import dev.serval.jobs.internal.JobRows;
import dev.serval.jobs.internal.LogFiles;
import dev.serval.jobs.internal.OutputPublisher;
import dev.serval.registry.RegistryService;
import dev.serval.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs from a {@link JobQueue}, {@code slots} at a time. Each attempt is claimed with a
 * conditional update, heartbeats while it runs (which is also how it learns of a cancellation,
 * or that another worker took it over), and is finished with a conditional update on its attempt
 * number. A failed or timed-out attempt is retried as the job's policy says, with a doubling
 * delay. The worker also requeues jobs whose worker stopped heartbeating (it died); a job whose
 * workers are lost {@value #MAX_LOST_ATTEMPTS} times fails, as it probably kills them.
 */
public final class JobWorker implements AutoCloseable {
  public static final int MAX_LOST_ATTEMPTS = 3;
  private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

  private final Jobs jobs;
  private final Database db;
  private final JobQueue queue;
  private final String workerId;
  private final int slots;
  private final int cpuThreads;
  private final Duration heartbeat;
  private final Duration lostAfter;
  private final long maxLogBytes;
  private final LongSupplier nanos;
  private final AttemptRunner runner;
  private final OutputPublisher outputs;
  private final BlockingQueue<Integer> freeSlots;
  private final Optional<Path> taskset;
  private final ScheduledExecutorService sweeper;
  private final Map<String, List<String>> programs;
  private JobQueue.Consumption consumption;
  private volatile boolean stopping;

  private JobWorker(Builder b) {
    this.jobs = b.jobs;
    this.db = b.jobs.database();
    this.queue = b.queue;
    this.workerId = b.workerId;
    this.slots = b.slots;
    this.cpuThreads = b.cpuThreads;
    this.heartbeat = b.heartbeat;
    this.lostAfter = b.lostAfter;
    this.maxLogBytes = b.maxLogBytes;
    this.nanos = b.nanos;
    this.runner = new AttemptRunner(jobs.clock(), b.nanos, b.heartbeat);
    this.outputs = new OutputPublisher(b.registry, b.maxOutputBytes, b.validationTimeout);
    this.freeSlots = new ArrayBlockingQueue<>(b.slots);
    for (int i = 0; i < b.slots; i++) {
      freeSlots.add(i);
    }
    this.programs = Map.copyOf(b.programs);
    this.taskset = b.pin ? CpuBudget.findTaskset(System.getenv("PATH")) : Optional.empty();
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "serval-jobs-sweeper");
      thread.setDaemon(true);
      return thread;
    });
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts taking jobs and looking for jobs of lost workers. */
  public synchronized JobWorker start() {
    if (consumption != null) {
      throw new IllegalStateException("worker " + workerId + " was already started");
    }
    long millis = heartbeat.toMillis();
    sweeper.scheduleWithFixedDelay(this::sweepQuietly, millis, millis, TimeUnit.MILLISECONDS);
    consumption = queue.consume(slots, this::handle);
    return this;
  }

  public String id() {
    return workerId;
  }

  /**
   * Requeues (or, after too many losses, fails) every RUNNING job not heard of within the lost
   * timeout; returns how many.
   */
  public int sweep() {
    Instant now = jobs.clock().instant();
    List<JobRows.Stale> stale = db.transaction(c -> JobRows.stale(c, now.minus(lostAfter), null));
    stale.forEach(lost -> recoverLost(lost, now));
    return stale.size();
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("cannot look for jobs of lost workers: {}", e.getMessage());
    }
  }

  private void recoverLost(JobRows.Stale lost, Instant now) {
    String what = "worker " + lost.workerId() + " stopped responding during attempt "
        + lost.attempt();
    db.transaction(c -> lost.lostAttempts() + 1 >= MAX_LOST_ATTEMPTS
        ? JobRows.finish(c, lost.id(), lost.attempt(), JobState.FAILED, what + "; its workers"
            + " were lost " + MAX_LOST_ATTEMPTS + " times, so it is not run again", null, now)
        : JobRows.requeueLost(c, lost, what + "; running it again", now));
  }

  /** The queue's handler: claims the job if it is due and runs one attempt of it. */
  boolean handle(String jobId, boolean redelivered) {
    if (stopping) {
      throw new IllegalStateException("worker " + workerId + " is stopping");
    }
    if (redelivered) {
      awaitPreviousWorker(jobId);
    }
    Optional<Integer> attempt =
        db.transaction(c -> JobRows.claim(c, jobId, workerId, jobs.clock().instant()));
    if (attempt.isEmpty()) {
      return false;
    }
    runClaimed(jobs.get(jobId), attempt.get());
    return true;
  }

  /**
   * A redelivered job may still be RUNNING on the worker whose connection dropped: wait until it
   * finishes, or until it is lost and requeued, rather than run it twice at once.
   */
  private void awaitPreviousWorker(String jobId) {
    while (!stopping) {
      Optional<JobRecord> job = jobs.find(jobId);
      if (job.isEmpty() || job.get().state() != JobState.RUNNING) {
        return;
      }
      Instant now = jobs.clock().instant();
      List<JobRows.Stale> stale =
          db.transaction(c -> JobRows.stale(c, now.minus(lostAfter), jobId));
      if (!stale.isEmpty()) {
        recoverLost(stale.get(0), now);
        return;
      }
      sleep(heartbeat);
    }
  }

  private void runClaimed(JobRecord job, int attempt) {
    Integer slot = freeSlots.poll();
    try {
      Outcome outcome = runAttempt(job, attempt, slot == null ? 0 : slot);
      conclude(job, attempt, outcome);
    } catch (IOException | UncheckedIOException | ServalException e) {
      log.warn("job {} attempt {} failed in the worker", job.id(), attempt, e);
      finishQuietly(job.id(), attempt, JobState.FAILED, "the worker could not run it: " + e,
          null);
    } finally {
      if (slot != null) {
        freeSlots.add(slot);
      }
    }
  }

  private Outcome runAttempt(JobRecord job, int attempt, int slot) throws IOException {
    JobSpec spec = job.spec();
    Path folder = Files.createDirectories(jobs.folder(job.id()));
    Path outputDir = emptied(folder.resolve("output"));
    Path workDir = spec.workDir() != null ? Path.of(spec.workDir())
        : Files.createDirectories(folder.resolve("work"));
    LogFiles log = LogFiles.of(folder, attempt);
    if (!Files.isDirectory(workDir)) {
      String reason = "work directory " + workDir + " does not exist on worker " + workerId;
      AttemptRunner.appendToLog(log, List.of("[serval] " + reason));
      return new Outcome(AttemptRunner.End.NOT_STARTED, null, reason);
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(spec.env());
    env.put("SERVAL_JOB_ID", job.id());
    env.put("SERVAL_ATTEMPT", Integer.toString(attempt));
    env.put("SERVAL_OUTPUT_DIR", outputDir.toString());
    env.put("SERVAL_WORK_DIR", workDir.toString());
    env.put("SERVAL_METRICS_FILE", metricsFile(folder, attempt).toString());
    CpuBudget cpu = CpuBudget.forSlot(slot, spec.cpuThreads() == null ? cpuThreads
        : spec.cpuThreads(), Runtime.getRuntime().availableProcessors(), taskset);
    cpu.applyTo(env);
    AttemptRunner.Attempt run = new AttemptRunner.Attempt(
        withPrograms(spec.resolvedCommand(outputDir)), workDir, env, spec.timeout(), cpu, log, maxLogBytes);
    Outcome outcome = runner.run(run, () -> stillMine(job.id(), attempt),
        point -> db.transaction(c -> {
          JobRows.putMetric(c, job.id(), attempt, point);
          return null;
        }));
    if (outcome.end() == AttemptRunner.End.EXITED) {
      runner.readMetricsFile(metricsFile(folder, attempt), log, point -> db.transaction(c -> {
        JobRows.putMetric(c, job.id(), attempt, point);
        return null;
      }));
    }
    return outcome;
  }

  /** The command with a program this worker provides replaced by how it runs it. */
  private List<String> withPrograms(List<String> command) {
    List<String> program = programs.get(command.get(0));
    if (program == null) {
      return command;
    }
    List<String> expanded = new ArrayList<>(program);
    expanded.addAll(command.subList(1, command.size()));
    return expanded;
  }

  private static Path metricsFile(Path folder, int attempt) {
    return folder.resolve("attempt-" + attempt + ".metrics");
  }

  /** Heartbeat; false once the attempt is cancelled, taken over, or the worker is stopping. */
  private boolean stillMine(String jobId, int attempt) {
    if (stopping) {
      return false;
    }
    try {
      return db.transaction(c -> JobRows.heartbeat(c, jobId, attempt, jobs.clock().instant()));
    } catch (ServalException e) {
      // The database is unreachable: keep running; the next heartbeat asks again.
      log.warn("heartbeat of job {} failed: {}", jobId, e.getMessage());
      return true;
    }
  }

  private void conclude(JobRecord job, int attempt, Outcome outcome) throws IOException {
    String id = job.id();
    switch (outcome.end()) {
      case NOT_STARTED -> finishQuietly(id, attempt, JobState.FAILED, outcome.reason(), null);
      case TIMED_OUT -> retryOrFinish(job, attempt, JobState.TIMED_OUT, outcome.reason(), null);
      case STOPPED -> stopped(id, attempt);
      case EXITED -> {
        if (outcome.exitCode() != 0) {
          retryOrFinish(job, attempt, JobState.FAILED, "exited with code " + outcome.exitCode(),
              outcome.exitCode());
        } else {
          succeeded(job, attempt);
        }
      }
    }
  }

  private void succeeded(JobRecord job, int attempt) throws IOException {
    Path folder = jobs.folder(job.id());
    Path workDir = job.spec().workDir() != null ? Path.of(job.spec().workDir())
        : folder.resolve("work");
    List<PublishedModel> pushed = new ArrayList<>();
    String failure = null;
    if (stillMine(job.id(), attempt)) {
      try {
        outputs.publish(job.id(), job.spec(), workDir, folder.resolve("output"), pushed::add);
      } catch (InvalidInputException e) {
        failure = e.getMessage();
        AttemptRunner.appendToLog(LogFiles.of(folder, attempt), List.of("[serval] " + failure));
      }
    }
    String reason = failure;
    boolean done = db.transaction(c -> {
      boolean finished = JobRows.finish(c, job.id(), attempt,
          reason == null ? JobState.SUCCEEDED : JobState.FAILED, reason == null ? "" : reason,
          0, jobs.clock().instant());
      if (finished) {
        for (PublishedModel model : pushed) {
          JobRows.addOutput(c, job.id(), model);
        }
      }
      return finished;
    });
    if (!done) {
      stopped(job.id(), attempt);
    }
  }

  private void retryOrFinish(JobRecord job, int attempt, JobState state, String reason,
      Integer exitCode) {
    JobSpec spec = job.spec();
    int failed = db.transaction(c -> JobRows.failedAttempts(c, job.id()));
    if (failed >= spec.retries()) {
      finishQuietly(job.id(), attempt, state, reason, exitCode);
      return;
    }
    Duration delay = spec.retryDelay().multipliedBy(1L << Math.min(failed, 20));
    Instant notBefore = jobs.clock().instant().plus(delay);
    String why = reason + "; retry " + (failed + 1) + " of " + spec.retries()
        + (delay.isZero() ? "" : " after " + delay);
    db.transaction(c -> JobRows.retry(c, job.id(), attempt, why, exitCode, notBefore));
    jobs.dispatch();
  }

  /** The attempt was stopped: cancelled, taken over by another worker, or this one stops. */
  private void stopped(String id, int attempt) {
    Instant now = jobs.clock().instant();
    Optional<JobRecord> job = jobs.find(id);
    if (job.isEmpty() || job.get().state() != JobState.RUNNING
        || job.get().attempt() != attempt) {
      log.info("job {} attempt {} was taken over; its result is dropped", id, attempt);
    } else if (job.get().cancelRequested()) {
      finishQuietly(id, attempt, JobState.CANCELLED, "cancelled while running", null);
    } else if (stopping) {
      db.transaction(c -> JobRows.release(c, id, attempt, "worker " + workerId + " stopped"
          + " during attempt " + attempt + "; running it again", now));
    }
  }

  private void finishQuietly(String id, int attempt, JobState state, String reason,
      Integer exitCode) {
    boolean finished = db.transaction(c -> JobRows.finish(c, id, attempt, state,
        reason.length() > 4000 ? reason.substring(0, 4000) : reason, exitCode,
        jobs.clock().instant()));
    if (!finished) {
      log.info("job {} attempt {} had already been taken over; {} is dropped", id, attempt,
          state);
    }
  }

  private static Path emptied(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops taking jobs; running attempts are killed and queued again for another worker without
   * counting as failures.
   */
  @Override
  public synchronized void close() {
    stopping = true;
    sweeper.shutdownNow();
    if (consumption != null) {
      consumption.close();
    }
  }

  /** Validating builder. */
  public static final class Builder {
    private Jobs jobs;
    private JobQueue queue;
    private RegistryService registry;
    private String workerId = ProcessHandle.current().pid() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    private int slots = 1;
    private int cpuThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private boolean pin = true;
    private Duration heartbeat = Duration.ofSeconds(2);
    private Duration lostAfter;
    private long maxLogBytes = 16L << 20;
    private long maxOutputBytes = 1L << 30;
    private Duration validationTimeout = Duration.ofMinutes(10);
    private LongSupplier nanos = System::nanoTime;
    private final Map<String, List<String>> programs = new HashMap<>();

    private Builder() {}

    /** Required. */
    public Builder jobs(Jobs jobs) {
      this.jobs = Objects.requireNonNull(jobs, "jobs");
      return this;
    }

    /** Required: where jobs come from. */
    public Builder queue(JobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /** Where output models are pushed; without one, jobs that declare outputs fail. */
    public Builder registry(RegistryService service) {
      this.registry = Objects.requireNonNull(service, "service");
      return this;
    }

    public Builder workerId(String id) {
      if (id == null || id.isBlank() || id.length() > 256) {
        throw new InvalidInputException("worker id must be 1-256 characters, got '" + id + "'");
      }
      this.workerId = id;
      return this;
    }

    /** Jobs run at once (default 1). */
    public Builder slots(int count) {
      require(count >= 1 && count <= 256, "slots must be within 1..256, got " + count);
      this.slots = count;
      return this;
    }

    /** CPU threads a job gets unless it asks for a number (default: all cores). */
    public Builder cpuThreads(int threads) {
      require(threads >= 1 && threads <= JobSpec.MAX_CPU_THREADS,
          "cpuThreads must be within 1.." + JobSpec.MAX_CPU_THREADS + ", got " + threads);
      this.cpuThreads = threads;
      return this;
    }

    /** Whether to pin jobs to cores with taskset when it is installed (default true). */
    public Builder pinCpus(boolean pin) {
      this.pin = pin;
      return this;
    }

    /**
     * How often a running attempt heartbeats and checks for cancellation (default 2 s); a job
     * not heard of for {@code lostAfter} (default ten heartbeats and the 5 s kill grace) is
     * requeued.
     */
    public Builder heartbeat(Duration interval, Duration lostAfter) {
      require(interval != null && interval.toMillis() >= 10,
          "heartbeat must be at least 10 ms, got " + interval);
      // Stopping a process tree takes up to its grace period, without heartbeats meanwhile.
      Duration least = interval.multipliedBy(2).plus(AttemptRunner.KILL_GRACE);
      require(lostAfter == null || lostAfter.compareTo(least) >= 0,
          "lostAfter must be at least two heartbeats and the kill grace (" + least + "), got "
              + lostAfter);
      this.heartbeat = interval;
      this.lostAfter = lostAfter;
      return this;
    }

    /** Kept log per attempt; older output is dropped beyond it (default 16 MiB). */
    public Builder maxLogBytes(long bytes) {
      require(bytes >= 1024, "maxLogBytes must be at least 1024, got " + bytes);
      this.maxLogBytes = bytes;
      return this;
    }

    /** Largest output folder, and output model, a job may leave (default 1 GiB). */
    public Builder maxOutputBytes(long bytes) {
      require(bytes >= 1, "maxOutputBytes must be positive, got " + bytes);
      this.maxOutputBytes = bytes;
      return this;
    }

    public Builder validationTimeout(Duration timeout) {
      require(timeout != null && !timeout.isNegative() && !timeout.isZero(),
          "validationTimeout must be positive, got " + timeout);
      this.validationTimeout = timeout;
      return this;
    }

    /**
     * A program this worker provides: a job whose command starts with {@code name} runs
     * {@code command} followed by the job's other arguments, e.g. {@code serval} as the
     * {@code java -cp ... Main} of this worker's own Serval, so that built-in trainers run as
     * child processes with the same timeout, cancellation, CPU budget and log as any job.
     */
    public Builder program(String name, List<String> command) {
      require(name != null && !name.isBlank() && !name.contains("/"),
          "program name must be a plain name without '/', got '" + name + "'");
      require(command != null && !command.isEmpty(),
          "program " + name + " needs a command, got " + command);
      programs.put(name, List.copyOf(command));
      return this;
    }

    /** Time source of timeouts; inject one in tests. */
    public Builder nanos(LongSupplier source) {
      this.nanos = Objects.requireNonNull(source, "nanos");
      return this;
    }

    public JobWorker build() {
      if (jobs == null || queue == null) {
        throw new IllegalStateException("a worker needs jobs and a queue");
      }
      if (lostAfter == null) {
        lostAfter = heartbeat.multipliedBy(10).plus(AttemptRunner.KILL_GRACE);
      }
      return new JobWorker(this);
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new InvalidInputException(message);
      }
    }
  }
}
