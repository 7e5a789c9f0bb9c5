package dev.serval.tune.storage;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.core.InvalidInputException;
import dev.serval.store.Database;
import dev.serval.tune.Direction;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.StudyDefinition;
import dev.serval.tune.StudyStorage;
import dev.serval.tune.TrialState;
import dev.serval.tune.internal.Checks;
import dev.serval.tune.storage.internal.StudyRows;
import dev.serval.tune.storage.internal.TrialRows;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Studies in an H2 or PostgreSQL database, shared by any number of workers on any number of
 * machines, each with its own storage. Trial numbers come from a row lock on the study, so they
 * are unique and dense; a trial is finished only from RUNNING, so no result is lost or counted
 * twice. Each storage heartbeats the trials it created; before each new trial, trials whose
 * heartbeat is older than the timeout are failed as "worker lost". Workers' clocks must agree
 * to well within that timeout. Database failures are {@link dev.serval.store.StoreException}s.
 */
public final class JdbcStudyStorage implements StudyStorage, AutoCloseable {
  /** Own history table, so the tune tables can share a database with the registry's. */
  private static final String HISTORY_TABLE = "flyway_tune_history";
  private static final String MIGRATIONS = "classpath:db/tune-migration";

  private final Database db;
  /** Whether {@link #close} closes {@link #db}: not when it was borrowed (the registry's). */
  private final boolean ownsDatabase;
  private final Clock clock;
  private final String workerId;
  private final Duration heartbeatTimeout;
  private final ScheduledExecutorService ownScheduler;
  private final ScheduledFuture<?> heartbeats;
  private final Map<String, Long> studyIds = new ConcurrentHashMap<>();
  /** Row ids of the RUNNING trials this storage created, which it keeps alive. */
  private final Set<Long> running = ConcurrentHashMap.newKeySet();

  private JdbcStudyStorage(Builder b, Database db) {
    this.db = db;
    this.ownsDatabase = b.database == null;
    this.clock = b.clock;
    this.workerId = b.workerId;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.ownScheduler = b.scheduler == null ? daemonScheduler() : null;
    ScheduledExecutorService scheduler = b.scheduler == null ? ownScheduler : b.scheduler;
    long interval = b.heartbeatInterval.toMillis();
    this.heartbeats = scheduler.scheduleWithFixedDelay(
        this::heartbeatQuietly, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Creates or updates the study tables in {@code db}, as {@link Builder#build()} does with a
   * database; a restore needs them before it puts rows back.
   */
  public static void migrate(Database db) {
    Objects.requireNonNull(db, "db").migrate(MIGRATIONS, HISTORY_TABLE);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void createStudy(String study, List<Direction> directions, SearchSpace space) {
    StudyDefinition wanted = new StudyDefinition(study, directions, space.toJson());
    StudyRows.StoredStudy stored =
        db.transaction(c -> StudyRows.createOrGet(c, wanted, clock.instant()));
    stored.definition().requireSame(wanted);
    studyIds.put(study, stored.id());
  }

  @Override
  public int createTrial(String study, Instant start) {
    long studyId = requireStudy(study);
    Instant now = clock.instant();
    long[] created = db.transaction(c -> {
      TrialRows.failLost(c, studyId, now.minus(heartbeatTimeout), now);
      int number = StudyRows.nextTrialNumber(c, studyId);
      return new long[] {number, TrialRows.insert(c, studyId, number, start, workerId, now)};
    });
    running.add(created[1]);
    return (int) created[0];
  }

  @Override
  public void setParams(String study, int number, Map<String, Object> params) {
    long studyId = requireStudy(study);
    db.transaction(c -> {
      TrialRows.setParams(c, TrialRows.lockRunning(c, studyId, study, number), params);
      return null;
    });
  }

  @Override
  public void report(String study, int number, int step, double value) {
    long studyId = requireStudy(study);
    db.transaction(c -> {
      TrialRows.putIntermediate(c, TrialRows.lockRunning(c, studyId, study, number), step, value);
      return null;
    });
  }

  @Override
  public void setUserAttribute(String study, int number, String key, Object value) {
    Checks.name("user attribute", key);
    long studyId = requireStudy(study);
    db.transaction(c -> {
      TrialRows.putAttribute(c, TrialRows.lock(c, studyId, study, number).id(), key, value);
      return null;
    });
  }

  @Override
  public void finish(
      String study, int number, TrialState state, List<Double> values, Instant end) {
    require(state != null && state.isFinished(), "finish needs a final state, got " + state);
    long studyId = requireStudy(study);
    long trialId = db.transaction(c -> {
      long id = TrialRows.lockRunning(c, studyId, study, number);
      TrialRows.finish(c, id, state, values, end);
      return id;
    });
    running.remove(trialId);
  }

  @Override
  public FrozenTrial trial(String study, int number) {
    long studyId = requireStudy(study);
    return db.transaction(c -> TrialRows.read(c, studyId, number))
        .orElseThrow(() -> new InvalidInputException("no trial " + number + " in study "
            + study));
  }

  @Override
  public List<FrozenTrial> trials(String study) {
    Long studyId = studyId(study);
    return studyId == null ? List.of() : db.transaction(c -> TrialRows.read(c, studyId));
  }

  /**
   * Deletes the study with its trials; false if there was none. Workers still running its
   * trials fail when they next write to them.
   */
  public boolean deleteStudy(String study) {
    studyIds.remove(study);
    return db.transaction(c -> StudyRows.delete(c, study));
  }

  /**
   * Marks the RUNNING trials of this storage alive now and forgets those that finished or were
   * declared lost. Runs every heartbeat interval; public so that a caller may beat at once.
   */
  public void heartbeat() {
    Instant now = clock.instant();
    // Ascending ids: the same lock order as failLost, so the two never deadlock.
    Set<Long> ids = new TreeSet<>(running);
    db.transaction(c -> {
      for (long id : ids) {
        if (!TrialRows.heartbeat(c, id, now)) {
          running.remove(id);
        }
      }
      return null;
    });
  }

  private void heartbeatQuietly() {
    try {
      heartbeat();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule. A missed beat is retried at the next interval,
      // and the timeout spans at least two.
    }
  }

  private long requireStudy(String study) {
    Long id = studyId(study);
    if (id == null) {
      throw new InvalidInputException("no study '" + study + "'; create it with Study.builder()"
          + " on this storage first");
    }
    return id;
  }

  /** The study's row id, or null; a study created by another worker is looked up once. */
  private Long studyId(String study) {
    Long cached = studyIds.get(study);
    if (cached != null) {
      return cached;
    }
    return db.transaction(c -> StudyRows.find(c, study))
        .map(s -> {
          studyIds.put(study, s.id());
          return s.id();
        })
        .orElse(null);
  }

  private static ScheduledExecutorService daemonScheduler() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "serval-tune-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Stops the heartbeats and closes the database connections, unless the database was given. */
  @Override
  public void close() {
    heartbeats.cancel(false);
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
    if (ownsDatabase) {
      db.close();
    }
  }

  /** Configures a storage; {@link #build} connects and brings the tables up to date. */
  public static final class Builder {
    private String url;
    private Database database;
    private String user;
    private String password;
    private Clock clock = Clock.systemUTC();
    private Duration heartbeatInterval = Duration.ofSeconds(30);
    private Duration heartbeatTimeout;
    private ScheduledExecutorService scheduler;
    private String workerId = ProcessHandle.current().pid() + "-"
        + UUID.randomUUID().toString().substring(0, 8);

    private Builder() {}

    /**
     * Any JDBC URL, e.g. {@code jdbc:postgresql://HOST/db} or {@code jdbc:h2:/path/db}; user and
     * password may be null when the URL carries them. H2 runs in PostgreSQL mode.
     */
    public Builder jdbc(String url, String user, String password) {
      require(url != null && (url.startsWith("jdbc:h2:") || url.startsWith("jdbc:postgresql:")),
          "storage URL must start with jdbc:h2: or jdbc:postgresql:, got '" + url + "'");
      this.url = url;
      this.user = user;
      this.password = password;
      return this;
    }

    /**
     * A database another component opened and closes (the model registry's), shared with its
     * tables; {@link JdbcStudyStorage#close} leaves it open.
     */
    public Builder database(Database database) {
      this.database = nonNull("database", database);
      return this;
    }

    /** An embedded H2 database in the file {@code file}{@code .mv.db}. */
    public Builder h2(Path file) {
      Objects.requireNonNull(file, "file");
      return jdbc("jdbc:h2:file:" + file.toAbsolutePath(), "sa", "");
    }

    /** Time of heartbeats and of trial ends it records; inject a fixed one in tests. */
    public Builder clock(Clock clock) {
      this.clock = nonNull("clock", clock);
      return this;
    }

    /** How often this worker marks its running trials alive (default 30 s). */
    public Builder heartbeatInterval(Duration interval) {
      require(interval != null && interval.toMillis() > 0,
          "heartbeatInterval must be at least 1 ms, got " + interval);
      this.heartbeatInterval = interval;
      return this;
    }

    /**
     * How old a RUNNING trial's last heartbeat may be before any worker fails it as lost
     * (default: twice the interval). Must exceed the interval.
     */
    public Builder heartbeatTimeout(Duration timeout) {
      this.heartbeatTimeout = nonNull("heartbeatTimeout", timeout);
      return this;
    }

    /** Runs the heartbeats; default: a daemon thread the storage owns and stops on close. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = nonNull("scheduler", scheduler);
      return this;
    }

    /** Recorded with each trial this storage creates; default: process id and a random part. */
    public Builder workerId(String workerId) {
      this.workerId = Checks.name("worker", workerId);
      return this;
    }

    public JdbcStudyStorage build() {
      require(url != null || database != null,
          "a study storage needs jdbc(..), h2(..) or database(..)");
      if (heartbeatTimeout == null) {
        heartbeatTimeout = heartbeatInterval.multipliedBy(2);
      }
      require(heartbeatTimeout.compareTo(heartbeatInterval) > 0, "heartbeatTimeout "
          + heartbeatTimeout + " must exceed heartbeatInterval " + heartbeatInterval);
      if (database != null) {
        migrate(database);
        return new JdbcStudyStorage(this, database);
      }
      Database db = Database.of(url, user, password);
      try {
        migrate(db);
        return new JdbcStudyStorage(this, db);
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
    }

    private static <T> T nonNull(String what, T value) {
      require(value != null, what + " must not be null");
      return value;
    }
  }
}
