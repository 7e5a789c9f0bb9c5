package dev.serval.async;

import dev.serval.async.internal.AsyncStore;
import dev.serval.async.internal.BatchLines;
import dev.serval.async.internal.Deliveries;
import dev.serval.async.internal.Retrying;
import dev.serval.async.internal.Runner;
import dev.serval.core.InvalidInputException;
import dev.serval.core.TooManyRequestsException;
import dev.serval.store.Database;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous inference: a request is stored durably and answered with an id at once, run later
 * by a small pool through the injected {@link AsyncHandler}, and its answer kept for the
 * retention period, fetched by id and optionally pushed to a callback URL or a reply queue.
 * Batches of requests from a JSON Lines file run the same way, line by line. Any number of nodes
 * may share one database: each request runs on one node at a time, and the requests of a node
 * that stopped are taken over (see {@link AsyncStore}).
 */
public final class AsyncService implements AutoCloseable {
  public static final String HEADER_ID = Runner.HEADER_ID;
  public static final String HEADER_STATE = Runner.HEADER_STATE;
  public static final String HEADER_STATUS = Runner.HEADER_STATUS;
  public static final String JSON_LINES = AsyncStore.JSON_LINES;
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

  private static final Logger log = LoggerFactory.getLogger(AsyncService.class);

  private final AsyncStore store;
  private final Runner runner;
  private final Clock clock;
  private final Duration retention;
  private final int maxBacklog;
  private final Duration retryAfter;
  private final ReplyPublisher replies;
  private final ScheduledExecutorService scheduler;
  private final List<ExecutorService> owned;
  private final Duration pollInterval;
  private final Duration lease;
  private final Duration cleanupInterval;
  private final List<ScheduledFuture<?>> schedules = new ArrayList<>();

  private AsyncService(Builder b, AsyncStore store, Runner runner, List<ExecutorService> owned) {
    this.store = store;
    this.runner = runner;
    this.clock = b.clock;
    this.retention = b.retention;
    this.maxBacklog = b.maxBacklog;
    this.retryAfter = b.retryDelay;
    this.replies = b.replies;
    this.scheduler = b.scheduler;
    this.owned = owned;
    this.pollInterval = b.pollInterval;
    this.lease = b.lease;
    this.cleanupInterval = b.cleanupInterval;
  }

  /**
   * Creates or updates the tables of asynchronous requests in {@code db}, as {@link
   * Builder#build()} does; a restore needs them before it puts rows back.
   */
  public static void migrate(Database db) {
    AsyncStore.migrate(Objects.requireNonNull(db, "db"));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts polling for work (taking over what a stopped node left), heartbeats and cleanup. */
  public AsyncService start() {
    every(pollInterval, runner::pollQuietly);
    every(lease.dividedBy(3), this::renewQuietly);
    every(cleanupInterval, this::cleanUpQuietly);
    runner.open();
    return this;
  }

  private void every(Duration period, Runnable task) {
    long millis = Math.max(1, period.toMillis());
    schedules.add(scheduler.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS));
  }

  /**
   * Stores a request to run as soon as a worker is free.
   *
   * @throws TooManyRequestsException when the backlog of unfinished requests is full
   * @throws InvalidInputException when a batch has no lines, or a reply queue is asked for
   *     without a broker
   */
  public AsyncStatus submit(Submission submission) {
    Objects.requireNonNull(submission, "submission");
    if (submission.replyTo() != null && replies == null) {
      throw new InvalidInputException("parameter 'reply_to' needs a RabbitMQ broker but this"
          + " server has none; start it with --broker amqp://..., or use callback_url");
    }
    int total = 1;
    if (submission.kind() == AsyncKind.BATCH) {
      total = BatchLines.split(submission.body()).size();
      if (total == 0) {
        throw new InvalidInputException("the batch file has no lines; send one inference request"
            + " (a JSON object) per line");
      }
    }
    int backlog = store.backlog();
    if (backlog >= maxBacklog) {
      throw new TooManyRequestsException("the server already holds " + backlog + " unfinished"
          + " asynchronous requests, its limit; retry later", retryAfter);
    }
    String id = UUID.randomUUID().toString();
    store.insert(id, submission, total);
    // Read before waking the runner, so the caller is told what it submitted (QUEUED), not a
    // state that depends on how fast this node's workers were.
    AsyncStatus accepted = status(id);
    runner.wake();
    return accepted;
  }

  /** @throws AsyncRequestNotFoundException when there is no such request */
  public AsyncStatus status(String id) {
    return store.status(id).orElseThrow(() -> new AsyncRequestNotFoundException(id));
  }

  /**
   * The answer of a SUCCEEDED request as the synchronous call would have given it; a batch's is
   * JSON Lines ({@value #JSON_LINES}), one answer or error per request line, in order.
   */
  public Optional<Response> result(String id) {
    return store.result(id);
  }

  /**
   * Cancels a request that has not finished (one already running completes, but its answer is
   * dropped), or forgets the result of one that has.
   *
   * @throws AsyncRequestNotFoundException when there is no such request
   */
  public void delete(String id) {
    if (!store.delete(id)) {
      throw new AsyncRequestNotFoundException(id);
    }
  }

  /** Deletes results older than the retention period; runs periodically, public for tests. */
  public int cleanUp() {
    return store.deleteFinishedBefore(clock.instant().minus(retention));
  }

  private void cleanUpQuietly() {
    try {
      int deleted = cleanUp();
      if (deleted > 0) {
        log.info("Deleted {} asynchronous result(s) older than {}", deleted, retention);
      }
    } catch (RuntimeException e) {
      log.warn("Deleting old asynchronous results failed: {}", e.getMessage());
    }
  }

  private void renewQuietly() {
    try {
      store.renew(runner.active());
    } catch (RuntimeException e) {
      // The lease spans three renewals, so one missed renewal loses nothing.
      log.warn("Renewing the claims on asynchronous requests failed: {}", e.getMessage());
    }
  }

  /**
   * Stops taking work and gives back this node's claims: running requests return to the queue
   * (a batch keeps the lines it finished) for the next start or another node.
   */
  @Override
  public void close() {
    runner.close();
    schedules.forEach(s -> s.cancel(false));
    try {
      store.releaseAll();
    } catch (RuntimeException e) {
      log.warn("Could not give back claims on asynchronous requests ({}); they are taken over"
          + " when their lease ends", e.getMessage());
    } finally {
      owned.forEach(ExecutorService::shutdownNow);
      if (replies != null) {
        replies.close();
      }
    }
  }

  /** Validating builder of {@link AsyncService}; {@link #build} migrates the tables. */
  public static final class Builder {
    private Database database;
    private AsyncHandler handler;
    private FailureRenderer failures;
    private Executor executor;
    private ScheduledExecutorService scheduler;
    private Clock clock = Clock.systemUTC();
    private String nodeId = UUID.randomUUID().toString();
    private int maxInFlight = 4;
    private int maxBacklog = 10_000;
    private int batchSize = 32;
    private int maxAttempts = 10;
    private int deliveryAttempts = 5;
    private Duration retention = DEFAULT_RETENTION;
    private Duration lease = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration cleanupInterval = Duration.ofMinutes(1);
    private Duration retryDelay = Duration.ofSeconds(1);
    private Duration deliveryTimeout = Duration.ofSeconds(10);
    private HttpClient http;
    private ReplyPublisher replies;

    private Builder() {}

    /** Required: where requests and results are kept (the registry's database in the server). */
    public Builder database(Database database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /** Required: runs one inference. */
    public Builder handler(AsyncHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Required: how a failure reads in callbacks, reply messages and batch lines. */
    public Builder failures(FailureRenderer failures) {
      this.failures = Objects.requireNonNull(failures, "failures");
      return this;
    }

    /** Runs the database work and deliveries; default: two daemon threads the service owns. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Runs polls, lease renewals, cleanup and delivery retries; default: one owned thread. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Times recorded and compared with leases and retention; inject a fixed one in tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Recorded as the owner of what this node claims; default: a random id. */
    public Builder nodeId(String nodeId) {
      if (nodeId == null || nodeId.isBlank() || nodeId.length() > 128) {
        throw new InvalidInputException("nodeId must be 1-128 characters but was '" + nodeId
            + "'");
      }
      this.nodeId = nodeId;
      return this;
    }

    /** Requests this node works on at once (default 4). */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = positive("maxInFlight", maxInFlight);
      return this;
    }

    /** Unfinished requests (all nodes) beyond which submissions get 429 (default 10000). */
    public Builder maxBacklog(int maxBacklog) {
      this.maxBacklog = positive("maxBacklog", maxBacklog);
      return this;
    }

    /** Lines of a batch in flight at once and recorded together (default 32). */
    public Builder batchSize(int batchSize) {
      this.batchSize = positive("batchSize", batchSize);
      return this;
    }

    /** Runs of a request before a passing refusal (full queue) fails it (default 10). */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = positive("maxAttempts", maxAttempts);
      return this;
    }

    /** Tries of a callback or reply, with doubling pauses from the retry delay (default 5). */
    public Builder deliveryAttempts(int deliveryAttempts) {
      this.deliveryAttempts = positive("deliveryAttempts", deliveryAttempts);
      return this;
    }

    /** How long finished results are kept (default 24 h). */
    public Builder retention(Duration retention) {
      this.retention = positive("retention", retention);
      return this;
    }

    /** How long a claim holds without renewal; renewed every third of it (default 30 s). */
    public Builder lease(Duration lease) {
      this.lease = positive("lease", lease);
      return this;
    }

    /** How often the database is asked for work besides on submission (default 1 s). */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive("pollInterval", pollInterval);
      return this;
    }

    /** How often results past retention are deleted (default 1 min). */
    public Builder cleanupInterval(Duration cleanupInterval) {
      this.cleanupInterval = positive("cleanupInterval", cleanupInterval);
      return this;
    }

    /**
     * The first pause before a delivery is retried, and the wait of a refused request that named
     * none; also the Retry-After of a full backlog (default 1 s).
     */
    public Builder retryDelay(Duration retryDelay) {
      this.retryDelay = positive("retryDelay", retryDelay);
      return this;
    }

    /** How long one callback POST may take (default 10 s). */
    public Builder deliveryTimeout(Duration deliveryTimeout) {
      this.deliveryTimeout = positive("deliveryTimeout", deliveryTimeout);
      return this;
    }

    /** Publishes to {@code reply_to} queues; without one, such requests are refused. */
    public Builder replies(ReplyPublisher replies) {
      this.replies = Objects.requireNonNull(replies, "replies");
      return this;
    }

    /** Posts callbacks; default: a new client. */
    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /**
     * @throws IllegalStateException when the database, handler or failure renderer is missing
     */
    public AsyncService build() {
      if (database == null || handler == null || failures == null) {
        throw new IllegalStateException("an AsyncService needs database, handler and failures");
      }
      migrate(database);
      AsyncStore store = new AsyncStore(database, clock, nodeId, lease);
      List<ExecutorService> owned = new ArrayList<>();
      if (scheduler == null) {
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("serval-async-timer"));
        owned.add(scheduler);
      }
      if (executor == null) {
        ExecutorService pool = Executors.newFixedThreadPool(2, daemon("serval-async"));
        owned.add(pool);
        executor = pool;
      }
      HttpClient client = http != null ? http
          : HttpClient.newBuilder().connectTimeout(deliveryTimeout).build();
      Deliveries deliveries = new Deliveries(store, client, replies, executor,
          new Retrying(scheduler, deliveryAttempts, retryDelay), deliveryTimeout);
      Runner runner = new Runner(store, handler, failures, deliveries, executor, clock,
          new Runner.Settings(maxInFlight, batchSize, maxAttempts, retryDelay));
      return new AsyncService(this, store, runner, owned);
    }

    private static ThreadFactory daemon(String name) {
      return task -> {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
      };
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new InvalidInputException(name + " must be positive but was " + value);
      }
      return value;
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new InvalidInputException(name + " must be a positive duration but was " + value);
      }
      return value;
    }
  }
}
