package dev.serval.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.tune.Direction;
import dev.serval.tune.FloatParam;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.StudyConflictException;
import dev.serval.tune.Trial;
import dev.serval.tune.TrialState;
import dev.serval.tune.sampler.RandomSampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC storage on PostgreSQL: two workers, each a thread with its own storage. */
@Tag("it")
class JdbcStudyStoragePostgresTest {
  private static final SearchSpace SPACE =
      SearchSpace.builder().add(FloatParam.uniform("x", -3, 3)).build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension final PostgresSchema postgres = new PostgresSchema();
  private final ManualClock clock = new ManualClock();
  private final List<JdbcStudyStorage> storages = new ArrayList<>();

  @AfterEach
  void close() {
    storages.forEach(JdbcStudyStorage::close);
  }

  private Study worker(String id) {
    JdbcStudyStorage storage = postgres.builder().workerId(id).clock(clock)
        .heartbeatInterval(Duration.ofSeconds(10)).heartbeatTimeout(TIMEOUT).build();
    storages.add(storage);
    return Study.builder().name("pg").space(SPACE).sampler(new RandomSampler())
        .storage(storage).clock(clock).build();
  }

  @Test
  void twoWorkersShareOneStudyWithoutDuplicateOrLostTrials() throws Exception {
    List<Study> workers = List.of(worker("a"), worker("b"));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Thread> threads = workers.stream()
          .map(study -> new Thread(() -> study.optimize(
              t -> t.doubleParam("x") * t.doubleParam("x"), 30, 3, pool)))
          .toList();
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
    } finally {
      pool.shutdownNow();
    }

    List<FrozenTrial> trials = workers.get(0).trials();
    assertThat(trials).extracting(FrozenTrial::number)
        .containsExactlyElementsOf(IntStream.range(0, 60).boxed().toList());
    assertThat(trials).allSatisfy(t -> assertThat(t.value().getAsDouble())
        .isEqualTo(Math.pow((Double) t.params().get("x"), 2)));
  }

  @Test
  void aLostWorkersTrialFailsAndAResumedStudyContinues() {
    Study crashed = worker("dead");
    Trial orphan = crashed.ask();
    storages.get(0).close();
    clock.advance(TIMEOUT.plusSeconds(1));

    Study resumed = worker("alive");
    resumed.tell(resumed.ask(), 1.0);

    assertThat(resumed.trials()).extracting(FrozenTrial::state)
        .containsExactly(TrialState.FAIL, TrialState.COMPLETE);
    assertThat(resumed.trials().get(orphan.number()).userAttributes().get("error").toString())
        .contains("worker lost", "(dead)");
    assertThatThrownBy(() -> Study.builder().name("pg").space(SPACE)
        .direction(Direction.MAXIMIZE).storage(storages.get(1)).build())
        .isInstanceOf(StudyConflictException.class);
  }

  @Test
  void keepsEveryObjectiveValueAndTheConstraints() {
    JdbcStudyStorage storage = postgres.builder().workerId("mo").clock(clock).build();
    storages.add(storage);
    Study.Builder builder = Study.builder().name("mo").space(SPACE).sampler(new RandomSampler())
        .directions(Direction.MINIMIZE, Direction.MAXIMIZE).storage(storage).clock(clock)
        .constraints(t -> new double[] {t.values().get(0) - 1});
    builder.build().optimizeMulti(t -> new double[] {t.doubleParam("x") * t.doubleParam("x"),
        t.doubleParam("x")}, 5);

    List<FrozenTrial> read = builder.build().trials();
    assertThat(read).hasSize(5).allSatisfy(t -> {
      double x = (Double) t.params().get("x");
      assertThat(t.values()).containsExactly(x * x, x);
      assertThat(t.isFeasible()).isEqualTo(x * x <= 1);
    });
  }
}
