package dev.serval.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.tune.sampler.RandomSampler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StudyTest {
  private static final SearchSpace SPACE = SearchSpace.builder()
      .add(FloatParam.uniform("x", -5, 5))
      .add(CategoricalParam.of("kind", "a", "b"))
      .build();

  private static Study.Builder study() {
    return Study.builder().space(SPACE).sampler(new RandomSampler()).seed(7);
  }

  @Test
  void askAndTellRecordParamsValueStateAndTimesFromTheClock() {
    MutableClock clock = new MutableClock();
    Study study = study().clock(clock).build();

    Trial trial = study.ask();
    clock.advance(Duration.ofSeconds(3));
    study.tell(trial, 1.5);

    FrozenTrial done = study.trials().get(0);
    assertThat(done.number()).isZero();
    assertThat(done.state()).isEqualTo(TrialState.COMPLETE);
    assertThat(done.value()).hasValue(1.5);
    assertThat(done.params()).containsOnlyKeys("x", "kind").isEqualTo(trial.params());
    assertThat(done.start()).isEqualTo(MutableClock.START);
    assertThat(done.duration()).contains(Duration.ofSeconds(3));
  }

  @Test
  void askReadsTheTrialsOnceHoweverManyParametersTheSamplerSuggests() {
    CountingStorage storage = new CountingStorage();
    Study study = Study.builder().space(SPACE).storage(storage).seed(7).build();
    study.optimize(trial -> trial.doubleParam("x"), 3);
    storage.trialReads.set(0);

    study.ask();

    assertThat(storage.trialReads).hasValue(1);
  }

  @Test
  void failingObjectiveFailsTheTrialNotTheStudy() {
    AtomicInteger calls = new AtomicInteger();
    Study study = study().build();

    study.optimize(trial -> {
      if (calls.incrementAndGet() == 2) {
        throw new IllegalStateException("diverged");
      }
      return trial.doubleParam("x");
    }, 4);

    assertThat(study.trials()).extracting(FrozenTrial::state).containsExactly(
        TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE, TrialState.COMPLETE);
    assertThat(study.trials().get(1).userAttributes().get("error").toString())
        .contains("diverged");
  }

  @Test
  void nanFailsAndPrunedKeepsTheLastIntermediateValue() {
    Study study = study().build();
    Trial nan = study.ask();
    study.tell(nan, Double.NaN);
    Trial pruned = study.ask();
    pruned.report(0, 3.0);
    pruned.report(1, 2.0);
    study.tell(pruned, TrialState.PRUNED);

    assertThat(study.trials().get(0).state()).isEqualTo(TrialState.FAIL);
    assertThat(study.trials().get(1).state()).isEqualTo(TrialState.PRUNED);
    assertThat(study.trials().get(1).value()).hasValue(2.0);
    assertThat(study.bestTrial()).isEmpty();
  }

  @Test
  void refusesToTellATrialTwiceOrReportAfterTheEnd() {
    Study study = study().build();
    Trial trial = study.ask();
    study.tell(trial, 1.0);

    assertThatThrownBy(() -> study.tell(trial, 2.0))
        .isInstanceOf(TrialStateException.class)
        .hasMessage("trial 0 of study study is already COMPLETE");
    assertThatThrownBy(() -> trial.report(1, 1.0)).isInstanceOf(TrialStateException.class);
    assertThatThrownBy(() -> study.tell(trial, TrialState.COMPLETE))
        .hasMessage("tell without a value needs FAIL or PRUNED, got COMPLETE");
  }

  @Test
  void bestTrialFollowsTheDirection() {
    Study study = study().direction(Direction.MAXIMIZE).build();
    study.optimize(trial -> trial.number() % 3, 6);

    assertThat(study.bestTrial().orElseThrow().number()).isEqualTo(2);
  }

  @Test
  void stopEndsOptimizeAfterTheRunningTrial() {
    Study study = study().build();
    study.optimize(trial -> {
      study.stop();
      return 0;
    }, 10);

    assertThat(study.trials()).hasSize(1);
  }

  @Test
  void parallelWorkersGetEveryTrialNumberExactlyOnce() {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Study study = study().build();
      study.optimize(trial -> {
        Thread.yield();
        return trial.doubleParam("x");
      }, 200, 4, pool);

      List<FrozenTrial> trials = study.trials();
      assertThat(trials).extracting(FrozenTrial::number)
          .containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
      assertThat(trials).allMatch(t -> t.state() == TrialState.COMPLETE);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theStorageHandsOutDenseNumbersToConcurrentWriters() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      var futures = IntStream.range(0, 4).mapToObj(w -> pool.submit(() -> {
        for (int i = 0; i < 50; i++) {
          storage.createTrial("s", Instant.EPOCH);
        }
      })).toList();
      for (var f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(storage.trials("s")).extracting(FrozenTrial::number)
        .containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private Instant now = START;

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
