package dev.serval.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.CategoricalParam;
import dev.serval.tune.Direction;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.IntParam;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.StudyConflictException;
import dev.serval.tune.Trial;
import dev.serval.tune.TrialState;
import dev.serval.tune.TrialStateException;
import dev.serval.tune.sampler.RandomSampler;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC storage on an H2 file database, several storages standing for several workers. */
class JdbcStudyStorageTest {
  static final SearchSpace SPACE = SearchSpace.builder()
      .add(FloatParam.logUniform("lr", 1e-5, 1))
      .add(IntParam.of("layers", 1, 8))
      .add(CategoricalParam.of("act", "relu", "tanh", true))
      .build();
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** A worker's storage on the shared database file. */
  private JdbcStudyStorage worker(String id) {
    return open(JdbcStudyStorage.builder().h2(dir.resolve("tune")).workerId(id).clock(clock)
        .heartbeatInterval(INTERVAL).heartbeatTimeout(TIMEOUT));
  }

  private JdbcStudyStorage open(JdbcStudyStorage.Builder builder) {
    JdbcStudyStorage storage = builder.build();
    toClose.add(storage);
    return storage;
  }

  private Study.Builder study(JdbcStudyStorage storage) {
    return Study.builder().name("s").space(SPACE).sampler(new RandomSampler()).seed(11)
        .storage(storage).clock(clock);
  }

  static double objective(Trial trial) {
    return Math.log10(trial.doubleParam("lr")) + trial.intParam("layers");
  }

  @Test
  void twoStudiesOnFourThreadsEachNumberTrialsOnceAndKeepEveryResult() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Void>> runs = List.of(worker("a"), worker("b")).stream()
          .map(storage -> study(storage).build())
          .map(study -> CompletableFuture.runAsync(
              () -> study.optimize(JdbcStudyStorageTest::objective, 50, 4, pool)))
          .toList();
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();
    } finally {
      pool.shutdownNow();
    }

    List<FrozenTrial> trials = worker("reader").trials("s");
    assertThat(trials).extracting(FrozenTrial::number)
        .containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    assertThat(trials).allSatisfy(t -> {
      assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
      assertThat(t.value().getAsDouble()).isCloseTo(
          Math.log10((Double) t.params().get("lr")) + (Integer) t.params().get("layers"),
          within(1e-12));
    });
  }

  @Test
  void storesEverythingATrialCarries() {
    Study study = study(worker("a")).build();
    Trial trial = study.ask();
    trial.report(0, 0.5);
    trial.report(1, 0.4);
    trial.report(1, 0.3);
    trial.putUserAttribute("note", "first");
    trial.putUserAttribute("tries", 2);
    clock.advance(Duration.ofSeconds(5));
    study.tell(trial, TrialState.PRUNED);

    FrozenTrial stored = worker("b").trial("s", 0);
    assertThat(stored.params()).isEqualTo(trial.params());
    assertThat(stored.params().keySet()).containsExactly("lr", "layers", "act");
    assertThat(stored.state()).isEqualTo(TrialState.PRUNED);
    assertThat(stored.value()).hasValue(0.3);
    assertThat(stored.intermediate()).containsExactly(Map.entry(0, 0.5), Map.entry(1, 0.3));
    assertThat(stored.userAttributes()).containsExactly(
        Map.entry("note", "first"), Map.entry("tries", 2));
    assertThat(stored.start()).isEqualTo(ManualClock.START);
    assertThat(stored.duration()).contains(Duration.ofSeconds(5));
    assertThat(worker("c").trials("s")).containsExactly(stored);
  }

  @Test
  void aFinishedTrialTakesNoMoreReportsAndNoSecondResult() {
    Study study = study(worker("a")).build();
    Trial trial = study.ask();
    study.tell(trial, 1.0);

    assertThatThrownBy(() -> trial.report(3, 1.0)).isInstanceOf(TrialStateException.class)
        .hasMessageContaining("already COMPLETE");
    assertThatThrownBy(() -> study.tell(trial, 2.0)).isInstanceOf(TrialStateException.class);
    assertThat(study.trials()).singleElement().extracting(t -> t.value().getAsDouble())
        .isEqualTo(1.0);
  }

  @Test
  void aStudyCreatedAgainContinuesItsTrials() {
    JdbcStudyStorage first = worker("a");
    study(first).build().optimize(JdbcStudyStorageTest::objective, 3);
    first.close();

    Study resumed = study(worker("b")).build();
    assertThat(resumed.trials()).hasSize(3);
    resumed.optimize(JdbcStudyStorageTest::objective, 2);

    assertThat(resumed.trials()).extracting(FrozenTrial::number).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void refusesToJoinAStudyWithAnotherDirection() {
    study(worker("a")).build();

    assertThatThrownBy(() -> study(worker("b")).direction(Direction.MAXIMIZE).build())
        .isInstanceOf(StudyConflictException.class)
        .hasMessageContaining("study s exists with direction MINIMIZE, not MAXIMIZE");
  }

  @Test
  void refusesToJoinAStudyWithAnotherSpace() {
    study(worker("a")).build();
    SearchSpace other = SearchSpace.builder().add(FloatParam.uniform("lr", 0, 1)).build();

    assertThatThrownBy(() -> study(worker("b")).space(other).build())
        .isInstanceOf(StudyConflictException.class)
        .hasMessageContaining("study s exists with another search space")
        .hasMessageContaining("\"log\":true");
  }

  @Test
  void theNextAskFailsTrialsOfAWorkerThatStoppedBeating() {
    JdbcStudyStorage dead = worker("dead");
    Study crashed = study(dead).build();
    Trial orphan = crashed.ask();
    dead.heartbeat();
    dead.close();
    clock.advance(TIMEOUT.plusSeconds(1));

    Study survivor = study(worker("alive")).build();
    Trial next = survivor.ask();

    assertThat(next.number()).isEqualTo(1);
    FrozenTrial lost = survivor.trials().get(0);
    assertThat(lost.state()).isEqualTo(TrialState.FAIL);
    assertThat(lost.end()).contains(clock.instant());
    assertThat(lost.userAttributes().get("error").toString())
        .startsWith("worker lost: no heartbeat since " + ManualClock.START).endsWith("(dead)");
    assertThatThrownBy(() -> crashed.tell(orphan, 1.0)).isInstanceOf(TrialStateException.class)
        .hasMessageContaining("already FAIL");
  }

  @Test
  void heartbeatsKeepALongTrialAlive() {
    JdbcStudyStorage slow = worker("slow");
    Study study = study(slow).build();
    Trial running = study.ask();
    clock.advance(TIMEOUT.minusSeconds(1));
    slow.heartbeat();
    clock.advance(TIMEOUT.minusSeconds(1));

    study(worker("other")).build().ask();
    study.tell(running, 4.0);

    assertThat(study.trials()).extracting(FrozenTrial::state)
        .containsExactly(TrialState.COMPLETE, TrialState.RUNNING);
  }

  @Test
  void theSchedulerBeatsEveryInterval() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    toClose.add(scheduler::shutdownNow);
    JdbcStudyStorage storage = open(JdbcStudyStorage.builder().h2(dir.resolve("tune"))
        .clock(clock).scheduler(scheduler).heartbeatInterval(Duration.ofMillis(20))
        .heartbeatTimeout(TIMEOUT));
    study(storage).build().ask();
    clock.advance(Duration.ofSeconds(25));

    await().atMost(Duration.ofSeconds(10))
        .until(() -> heartbeatOfTrialZero().equals(ManualClock.START.plusSeconds(25)));
  }

  private Instant heartbeatOfTrialZero() throws SQLException {
    try (Connection c = DriverManager.getConnection(
            "jdbc:h2:file:" + dir.resolve("tune").toAbsolutePath() + ";MODE=PostgreSQL;"
                + "DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT heartbeat_at FROM tune_trials WHERE number = 0")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  @Test
  void migratesADatabaseThatAlreadyHoldsOtherTables() throws SQLException {
    try (Connection c = DriverManager.getConnection(
            "jdbc:h2:file:" + dir.resolve("shared").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE models (id BIGINT PRIMARY KEY)");
    }
    JdbcStudyStorage storage = open(JdbcStudyStorage.builder().h2(dir.resolve("shared")));

    study(storage).build().optimize(JdbcStudyStorageTest::objective, 1);
    assertThat(storage.trials("s")).hasSize(1);
  }

  @Test
  void aStudyNoWorkerCreatedHasNoTrialsAndTakesNoNewOnes() {
    JdbcStudyStorage storage = worker("a");

    assertThat(storage.trials("nobody")).isEmpty();
    assertThatThrownBy(() -> storage.createTrial("nobody", Instant.EPOCH))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no study 'nobody'");
  }

  @Test
  void rejectsOtherDatabasesAndATimeoutWithinTheInterval() {
    assertThatThrownBy(() -> JdbcStudyStorage.builder().jdbc("jdbc:mysql://127.0.0.1/x", "u", "p"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("jdbc:mysql://127.0.0.1/x");
    assertThatThrownBy(() -> JdbcStudyStorage.builder().h2(dir.resolve("x"))
        .heartbeatInterval(Duration.ofSeconds(30)).heartbeatTimeout(Duration.ofSeconds(30))
        .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("heartbeatTimeout PT30S must exceed heartbeatInterval PT30S");
  }

  @Test
  void keepsEveryObjectiveValueAndTheConstraintsOfATrial() {
    Study study = study(worker("a")).directions(Direction.MINIMIZE, Direction.MAXIMIZE)
        .constraints(t -> new double[] {t.values().get(0) - 1, -1}).build();
    study.optimizeMulti(t -> new double[] {t.intParam("layers"), t.doubleParam("lr")}, 6);

    List<FrozenTrial> read = study(worker("b")).directions(Direction.MINIMIZE, Direction.MAXIMIZE)
        .build().trials();
    assertThat(read).hasSize(6).allSatisfy(t -> {
      assertThat(t.values()).containsExactly((double) (Integer) t.params().get("layers"),
          (Double) t.params().get("lr"));
      assertThat(t.constraints()).hasValueSatisfying(c -> assertThat(c)
          .containsExactly(t.values().get(0) - 1, -1));
      assertThat(t.isFeasible()).isEqualTo((Integer) t.params().get("layers") == 1);
    });
  }

  @Test
  void refusesToJoinAStudyWithOtherObjectives() {
    study(worker("a")).directions(Direction.MINIMIZE, Direction.MAXIMIZE).build();

    assertThatThrownBy(() -> study(worker("b")).build())
        .isInstanceOf(StudyConflictException.class)
        .hasMessageContaining("study s exists with directions [MINIMIZE, MAXIMIZE], not MINIMIZE;");
  }

  @Test
  void aStudyStoredBeforeSeveralObjectivesKeepsItsValuesAndContinues() throws SQLException {
    String url = "jdbc:h2:file:" + dir.resolve("old").toAbsolutePath()
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/tune-migration")
        .table("flyway_tune_history").baselineOnMigrate(true).baselineVersion("0").target("1")
        .load().migrate();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO tune_studies (name, direction, space_json, next_trial, created_at)"
          + " VALUES ('s', 'MAXIMIZE', '" + SPACE.toJson() + "', 2, CURRENT_TIMESTAMP)");
      s.execute("INSERT INTO tune_trials (study_id, number, state, trial_value, params_json,"
          + " started_at, finished_at, worker_id, heartbeat_at) SELECT id, 0, 'COMPLETE', 0.5,"
          + " '{\"lr\":0.01,\"layers\":2,\"act\":\"relu\"}', CURRENT_TIMESTAMP,"
          + " CURRENT_TIMESTAMP, 'old', CURRENT_TIMESTAMP FROM tune_studies");
      s.execute("INSERT INTO tune_trials (study_id, number, state, params_json, started_at,"
          + " finished_at, worker_id, heartbeat_at) SELECT id, 1, 'FAIL', '{}',"
          + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'old', CURRENT_TIMESTAMP FROM tune_studies");
    }

    Study study = study(open(JdbcStudyStorage.builder().h2(dir.resolve("old"))))
        .direction(Direction.MAXIMIZE).build();
    study.optimize(t -> 0.25, 1);

    assertThat(study.trials()).extracting(FrozenTrial::values)
        .containsExactly(List.of(0.5), List.of(), List.of(0.25));
    assertThat(study.bestTrial().orElseThrow().number()).isZero();
  }
}
