package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.internal.Checks;
import dev.serval.tune.pruner.NopPruner;
import dev.serval.tune.pruner.Pruner;
import dev.serval.tune.sampler.Sampler;
import dev.serval.tune.sampler.SamplingContext;
import dev.serval.tune.sampler.TpeSampler;
import java.time.Clock;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * A hyperparameter search: trials over a {@link SearchSpace}, suggested by a {@link Sampler},
 * stopped early by a {@link Pruner}, kept in a {@link StudyStorage}. Drive it with
 * {@link #optimize} or by hand with {@link #ask()} and {@code tell}.
 */
public final class Study implements StudyView {
  private final String name;
  private final Direction direction;
  private final SearchSpace space;
  private final Sampler sampler;
  private final Pruner pruner;
  private final long seed;
  private final StudyStorage storage;
  private final Clock clock;
  private final Consumer<FrozenTrial> onTrialFinished;
  private final Object askLock = new Object();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private Study(Builder b) {
    this.name = b.name;
    this.direction = b.direction;
    this.space = b.space;
    this.sampler = b.sampler;
    this.pruner = b.pruner;
    this.seed = b.seed;
    this.storage = b.storage;
    this.clock = b.clock;
    this.onTrialFinished = b.onTrialFinished;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a trial with parameters from the sampler. Asks are serialized so that a sampler sees
   * the parameters of every earlier trial, running ones included.
   *
   * @throws StudyExhaustedException when the sampler has nothing left to suggest
   */
  public Trial ask() {
    synchronized (askLock) {
      if (sampler.isExhausted(this)) {
        throw new StudyExhaustedException("study " + name + ": the sampler has tried everything");
      }
      int number = storage.createTrial(name, clock.instant());
      Map<String, Object> params = sample(number);
      storage.setParams(name, number, params);
      return new Trial(this, number, params);
    }
  }

  private Map<String, Object> sample(int number) {
    Map<String, Object> chosen = new LinkedHashMap<>();
    SamplingContext context = new SamplingContext(number, Collections.unmodifiableMap(chosen),
        new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (number + 1L))));
    Map<String, Object> joint = sampler.sampleRelative(this, context);
    for (Param param : space.params()) {
      if (space.isActive(param.name(), chosen)) {
        Object value = joint.containsKey(param.name())
            ? joint.get(param.name())
            : sampler.sampleIndependent(this, context, param);
        if (!param.contains(value)) {
          throw new IllegalStateException(sampler.getClass().getSimpleName() + " suggested "
              + value + " for " + param);
        }
        chosen.put(param.name(), value);
      }
    }
    sampler.trialAttributes(this, context)
        .forEach((key, value) -> storage.setUserAttribute(name, number, key, value));
    return chosen;
  }

  /** Completes the trial with its objective value; NaN fails it. */
  public void tell(Trial trial, double value) {
    if (Double.isNaN(value)) {
      finish(trial, TrialState.FAIL, OptionalDouble.empty());
    } else {
      finish(trial, TrialState.COMPLETE, OptionalDouble.of(value));
    }
  }

  /** Ends the trial as FAIL or PRUNED; a pruned trial keeps its last intermediate value. */
  public void tell(Trial trial, TrialState state) {
    require(state == TrialState.FAIL || state == TrialState.PRUNED,
        "tell without a value needs FAIL or PRUNED, got " + state);
    OptionalDouble value = state == TrialState.PRUNED
        ? trial.snapshot().lastIntermediate()
        : OptionalDouble.empty();
    finish(trial, state, value);
  }

  private void finish(Trial trial, TrialState state, OptionalDouble value) {
    storage.finish(name, trial.number(), state, value, clock.instant());
    onTrialFinished.accept(trial.snapshot());
  }

  /** Runs {@code nTrials} trials one after another on the calling thread. */
  public void optimize(Objective objective, int nTrials) {
    optimize(objective, nTrials, 1, Runnable::run);
  }

  /**
   * Runs {@code nTrials} trials on {@code nJobs} workers submitted to {@code executor}, and
   * returns when all are done, the sampler is exhausted or {@link #stop()} was called.
   */
  public void optimize(Objective objective, int nTrials, int nJobs, Executor executor) {
    require(objective != null && executor != null, "objective and executor must not be null");
    Checks.positive("nTrials", nTrials);
    Checks.positive("nJobs", nJobs);
    AtomicInteger remaining = new AtomicInteger(nTrials);
    CompletableFuture<?>[] workers = IntStream.range(0, nJobs)
        .mapToObj(i -> CompletableFuture.runAsync(() -> work(objective, remaining), executor))
        .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(workers).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private void work(Objective objective, AtomicInteger remaining) {
    while (!stopped.get() && remaining.getAndDecrement() > 0) {
      Trial trial;
      try {
        trial = ask();
      } catch (StudyExhaustedException e) {
        return;
      }
      evaluate(objective, trial);
    }
  }

  private void evaluate(Objective objective, Trial trial) {
    try {
      tell(trial, objective.evaluate(trial));
    } catch (TrialPrunedException e) {
      tell(trial, TrialState.PRUNED);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      trial.putUserAttribute("error", String.valueOf(e));
      tell(trial, TrialState.FAIL);
    }
  }

  /** Lets running trials finish but starts no new ones, in this and any later optimize. */
  public void stop() {
    stopped.set(true);
  }

  public boolean isStopped() {
    return stopped.get();
  }

  boolean shouldPrune(FrozenTrial trial) {
    return pruner.shouldPrune(this, trial);
  }

  /** The complete trial with the best value; ties go to the earlier trial. */
  public Optional<FrozenTrial> bestTrial() {
    Comparator<FrozenTrial> byLoss =
        Comparator.comparingDouble(t -> direction.asLoss(t.value().orElseThrow()));
    return trials(TrialState.COMPLETE).stream().min(byLoss);
  }

  @Override
  public List<FrozenTrial> trials() {
    return storage.trials(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public SearchSpace space() {
    return space;
  }

  @Override
  public long seed() {
    return seed;
  }

  StudyStorage storage() {
    return storage;
  }

  /** Configures a study; only the search space is required. */
  public static final class Builder {
    private String name = "study";
    private Direction direction = Direction.MINIMIZE;
    private SearchSpace space;
    private Sampler sampler;
    private Pruner pruner = new NopPruner();
    private long seed = new SplittableRandom().nextLong();
    private StudyStorage storage;
    private Clock clock = Clock.systemUTC();
    private Consumer<FrozenTrial> onTrialFinished = t -> { };

    private Builder() {}

    public Builder name(String name) {
      this.name = Checks.name("study", name);
      return this;
    }

    public Builder direction(Direction direction) {
      this.direction = nonNull("direction", direction);
      return this;
    }

    public Builder space(SearchSpace space) {
      this.space = nonNull("space", space);
      return this;
    }

    /** Defaults to {@link TpeSampler} with Optuna's settings. */
    public Builder sampler(Sampler sampler) {
      this.sampler = nonNull("sampler", sampler);
      return this;
    }

    public Builder pruner(Pruner pruner) {
      this.pruner = nonNull("pruner", pruner);
      return this;
    }

    /** Same seed, same space and same results give the same suggestions. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Defaults to a new {@link InMemoryStorage}. A study whose name the storage knows continues
     * with its trials; {@link #build} refuses one with another direction or space.
     */
    public Builder storage(StudyStorage storage) {
      this.storage = nonNull("storage", storage);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = nonNull("clock", clock);
      return this;
    }

    /** Called after every trial is told, on the thread that told it. */
    public Builder onTrialFinished(Consumer<FrozenTrial> listener) {
      this.onTrialFinished = nonNull("onTrialFinished", listener);
      return this;
    }

    public Study build() {
      require(space != null, "a study needs a search space");
      if (sampler == null) {
        sampler = TpeSampler.builder().build();
      }
      if (storage == null) {
        storage = new InMemoryStorage();
      }
      storage.createStudy(name, direction, space);
      return new Study(this);
    }

    private static <T> T nonNull(String what, T value) {
      if (value == null) {
        throw new InvalidInputException(what + " must not be null");
      }
      return value;
    }
  }
}
