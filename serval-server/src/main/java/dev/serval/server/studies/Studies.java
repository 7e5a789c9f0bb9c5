package dev.serval.server.studies;

import dev.serval.core.InvalidInputException;
import dev.serval.server.studies.internal.StudyCatalog;
import dev.serval.server.studies.internal.StudyCatalog.Row;
import dev.serval.store.Database;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Study;
import dev.serval.tune.TrialState;
import dev.serval.tune.importance.ParamImportances;
import dev.serval.tune.importance.PedAnova;
import dev.serval.tune.pruner.Pruner;
import dev.serval.tune.storage.JdbcStudyStorage;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The studies the server holds, in its database so that every node sees the same ones: their
 * specs in {@code server_studies}, their trials in serval-tune's tables. Each node keeps a
 * {@link Study} per study for asking (the database numbers trials, so nodes never collide), and
 * answers report and tell for any trial, wherever it was asked. Trials asked here are kept alive
 * by this node until told: a client that dies leaves its trial RUNNING until told FAIL.
 */
public final class Studies implements AutoCloseable {
  private final Database db;
  private final JdbcStudyStorage storage;
  private final Clock clock;
  private final LongSupplier seeds;
  private final PedAnova importances = PedAnova.builder().build();
  private final Map<String, Hosted> hosted = new ConcurrentHashMap<>();

  /** A study as this node runs it; replaced when the catalog row is (delete, create again). */
  private record Hosted(Row row, Study study, Pruner pruner) {
    String name() {
      return row.spec().name();
    }
  }

  /** What {@link #createOrJoin} found or made. */
  public record Opened(StudySummary study, boolean created) {}

  private Studies(Database db, Clock clock, LongSupplier seeds) {
    this.db = db;
    this.clock = clock;
    this.seeds = seeds;
    db.migrate(StudyCatalog.MIGRATIONS, StudyCatalog.HISTORY_TABLE);
    this.storage = JdbcStudyStorage.builder().database(db).clock(clock).build();
  }

  /**
   * Creates or updates the tables of studies and their trials (serval-tune's) in {@code db}, as
   * {@link #open} does; a restore needs them before it puts rows back.
   */
  public static void migrate(Database db) {
    Objects.requireNonNull(db, "db").migrate(StudyCatalog.MIGRATIONS, StudyCatalog.HISTORY_TABLE);
    JdbcStudyStorage.migrate(db);
  }

  /**
   * @param db a database another component owns (the registry's); it stays open on close
   * @param seeds seeds of new studies that ask for none
   */
  public static Studies open(Database db, Clock clock, LongSupplier seeds) {
    return new Studies(Objects.requireNonNull(db, "db"), Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(seeds, "seeds"));
  }

  /**
   * Creates the study, or joins the one of that name when the request matches it.
   *
   * @throws dev.serval.tune.StudyConflictException when it exists with other settings
   */
  public Opened createOrJoin(StudyRequest request) {
    Optional<Row> existing = find(request.name());
    if (existing.isPresent()) {
      request.requireMatches(existing.get().spec());
      return new Opened(summary(host(existing.get())), false);
    }
    StudySpec spec = request.newSpec(seeds);
    // Builds the study first: a bad pruner setting or a clash with a study serval tune made in
    // this database is refused before the catalog names it.
    build(spec, spec.pruner().create());
    boolean inserted = db.transaction(c -> StudyCatalog.insert(c, spec, clock.instant()));
    Row row = find(request.name()).orElseThrow();
    if (!inserted) {
      request.requireMatches(row.spec());
    }
    return new Opened(summary(host(row)), inserted);
  }

  /** Up to {@code limit} studies by name after {@code after} (null: from the first). */
  public List<StudySummary> list(String after, int limit) {
    return db.transaction(c -> StudyCatalog.page(c, after, limit)).stream()
        .map(row -> summary(host(row)))
        .toList();
  }

  public StudySummary get(String name) {
    return summary(hosted(name));
  }

  /** Deletes the study and its trials. */
  public void delete(String name) {
    if (!db.transaction(c -> StudyCatalog.delete(c, name))) {
      throw notFound(name);
    }
    hosted.remove(name);
    storage.deleteStudy(name);
  }

  public FrozenTrial trial(String name, int number) {
    return trial(hosted(name), number);
  }

  /** @throws StudyNotFoundException when no trial has completed yet */
  public FrozenTrial best(String name) {
    return get(name).best().orElseThrow(() -> new StudyNotFoundException("study " + name
        + " has no complete trial yet; tell a trial its value first"));
  }

  /** PED-ANOVA importances of the study's parameters. */
  public ParamImportances importances(String name) {
    return importances.evaluate(hosted(name).study());
  }

  /** Starts a trial with parameters from the study's sampler. */
  public FrozenTrial ask(String name) {
    Hosted study = hosted(name);
    return storage.trial(name, study.study().ask().number());
  }

  /**
   * Records an intermediate value of a RUNNING trial.
   *
   * @return whether the study's pruner would stop the trial now
   */
  public boolean report(String name, int number, int step, double value) {
    if (step < 0 || !Double.isFinite(value)) {
      throw new InvalidInputException("report needs step >= 0 and a finite value, got step="
          + step + " value=" + value);
    }
    Hosted study = hosted(name);
    trial(study, number);
    storage.report(name, number, step, value);
    return study.pruner().shouldPrune(study.study(), storage.trial(name, number));
  }

  /**
   * Ends a RUNNING trial: COMPLETE with its value, PRUNED (with its last intermediate value
   * unless one is given) or FAIL (with an optional reason, kept as user attribute "error").
   */
  public FrozenTrial tell(String name, int number, TrialState state, OptionalDouble value,
      Optional<String> error) {
    Hosted study = hosted(name);
    FrozenTrial trial = trial(study, number);
    OptionalDouble finalValue = finalValue(trial, state, value, error);
    // The one call that names how serval-tune stores values; tell needs no Trial handle, so a
    // trial asked on one node can be told on another.
    List<Double> values =
        finalValue.isPresent() ? List.of(finalValue.getAsDouble()) : List.of();
    storage.finish(name, number, state, values, clock.instant());
    error.ifPresent(reason -> storage.setUserAttribute(name, number, "error", reason));
    return storage.trial(name, number);
  }

  private static OptionalDouble finalValue(FrozenTrial trial, TrialState state,
      OptionalDouble value, Optional<String> error) {
    if (error.isPresent() && state != TrialState.FAIL) {
      throw new InvalidInputException("error is the reason of a FAIL, not of " + state);
    }
    return switch (state) {
      case COMPLETE -> {
        if (value.isEmpty() || !Double.isFinite(value.getAsDouble())) {
          throw new InvalidInputException("COMPLETE needs a finite value, got " + value);
        }
        yield value;
      }
      case PRUNED -> value.isPresent() ? value : trial.lastIntermediate();
      case FAIL -> {
        if (value.isPresent()) {
          throw new InvalidInputException("a FAIL has no value, got " + value.getAsDouble()
              + "; tell COMPLETE to record it");
        }
        yield value;
      }
      case RUNNING -> throw new InvalidInputException(
          "state must be COMPLETE, PRUNED or FAIL, got RUNNING");
    };
  }

  private FrozenTrial trial(Hosted study, int number) {
    try {
      return storage.trial(study.name(), number);
    } catch (InvalidInputException e) {
      throw new StudyNotFoundException("study " + study.name() + " has no trial " + number
          + "; list them with GET /api/v1/studies/" + study.name() + "/trials");
    }
  }

  private StudySummary summary(Hosted study) {
    return new StudySummary(study.row().spec(), study.row().created(), study.study().trials());
  }

  private Hosted hosted(String name) {
    return host(find(name).orElseThrow(() -> notFound(name)));
  }

  private Hosted host(Row row) {
    return hosted.compute(row.spec().name(), (name, held) ->
        held != null && held.row().id() == row.id() ? held
            : hostNew(row));
  }

  private Hosted hostNew(Row row) {
    Pruner pruner = row.spec().pruner().create();
    return new Hosted(row, build(row.spec(), pruner), pruner);
  }

  private Study build(StudySpec spec, Pruner pruner) {
    return Study.builder().name(spec.name()).space(spec.space()).direction(spec.direction())
        .sampler(spec.sampler().create()).pruner(pruner).seed(spec.seed())
        .storage(storage).clock(clock).build();
  }

  private Optional<Row> find(String name) {
    return db.transaction(c -> StudyCatalog.find(c, name));
  }

  private static StudyNotFoundException notFound(String name) {
    return new StudyNotFoundException("no study '" + name + "'; create it with POST"
        + " /api/v1/studies or list them with GET /api/v1/studies");
  }

  /** Stops keeping this node's running trials alive; the database stays open. */
  @Override
  public void close() {
    storage.close();
  }
}
