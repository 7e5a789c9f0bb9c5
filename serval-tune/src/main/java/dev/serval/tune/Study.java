package dev.serval.tune;

import static dev.serval.tune.internal.Checks.require;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.internal.Checks;
import dev.serval.tune.internal.Pareto;
import dev.serval.tune.pruner.NopPruner;
import dev.serval.tune.pruner.Pruner;
import dev.serval.tune.sampler.AutoSampler;
import dev.serval.tune.sampler.Sampler;
import dev.serval.tune.sampler.SamplingContext;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@link #optimize} (or {@link #optimizeMulti} for several objectives) or by hand with
 * {@link #ask()} and {@code tell}. With {@link Builder#constraints} a complete trial is feasible
 * only when its constraint values are all at most 0, and the best trials are feasible ones.
 */
public final class Study implements StudyView {
  private final String name;
  private final List<Direction> directions;
  private final Optional<Constraints> constraints;
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
    this.directions = b.directions;
    this.constraints = Optional.ofNullable(b.constraints);
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
    StudyView view = new AskView(this, trials());
    Map<String, Object> chosen = new LinkedHashMap<>();
    SamplingContext context = new SamplingContext(number, Collections.unmodifiableMap(chosen),
        new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (number + 1L))));
    Map<String, Object> joint = sampler.sampleRelative(view, context);
    for (Param param : space.params()) {
      if (space.isActive(param.name(), chosen)) {
        Object value = joint.containsKey(param.name())
            ? joint.get(param.name())
            : sampler.sampleIndependent(view, context, param);
        if (!param.contains(value)) {
          throw new IllegalStateException(sampler.getClass().getSimpleName() + " suggested "
              + value + " for " + param);
        }
        chosen.put(param.name(), value);
      }
    }
    sampler.trialAttributes(view, context)
        .forEach((key, value) -> storage.setUserAttribute(name, number, key, value));
    return chosen;
  }

  /** Completes the trial of a single-objective study with its value; NaN fails it. */
  public void tell(Trial trial, double value) {
    tell(trial, new double[] {value});
  }

  /**
   * Completes the trial with one value per objective, in the order of the directions; a NaN
   * fails it. With constraints, their values are stored on the trial (user attribute
   * {@value FrozenTrial#CONSTRAINTS}) before it is complete; an exception from the constraints
   * fails the trial.
   */
  public void tell(Trial trial, double[] values) {
    if (values == null || values.length != directions.size()) {
      throw new InvalidInputException("study " + name + " has " + directions.size()
          + " objectives " + directions + ", got values " + Arrays.toString(values));
    }
    if (Arrays.stream(values).anyMatch(Double::isNaN)) {
      finish(trial, TrialState.FAIL, List.of());
      return;
    }
    List<Double> list = Arrays.stream(values).boxed().toList();
    if (constraints.isPresent() && !recordConstraints(trial, list)) {
      finish(trial, TrialState.FAIL, List.of());
      return;
    }
    finish(trial, TrialState.COMPLETE, list);
  }

  /** Stores the constraint values; false (with the error kept on the trial) if they fail. */
  private boolean recordConstraints(Trial trial, List<Double> values) {
    FrozenTrial complete =
        trial.snapshot().finished(TrialState.COMPLETE, values, clock.instant());
    try {
      double[] c = constraints.orElseThrow().evaluate(complete);
      require(c != null && Arrays.stream(c).noneMatch(Double::isNaN),
          "constraints must return values that are not NaN, got " + Arrays.toString(c));
      trial.putUserAttribute(FrozenTrial.CONSTRAINTS, Arrays.stream(c).boxed().toList());
      return true;
    } catch (RuntimeException e) {
      trial.putUserAttribute("error", "constraints failed: " + e);
      return false;
    }
  }

  /** Ends the trial as FAIL or PRUNED; a pruned trial keeps its last intermediate value. */
  public void tell(Trial trial, TrialState state) {
    require(state == TrialState.FAIL || state == TrialState.PRUNED,
        "tell without a value needs FAIL or PRUNED, got " + state);
    List<Double> values = state == TrialState.PRUNED
        ? trial.snapshot().lastIntermediate().stream().boxed().toList()
        : List.of();
    finish(trial, state, values);
  }

  private void finish(Trial trial, TrialState state, List<Double> values) {
    storage.finish(name, trial.number(), state, values, clock.instant());
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
    require(objective != null, "objective must not be null");
    require(directions.size() == 1, "study " + name + " has " + directions.size()
        + " objectives " + directions + "; use optimizeMulti with one value per objective");
    optimizeMulti(t -> new double[] {objective.evaluate(t)}, nTrials, nJobs, executor);
  }

  /** {@link #optimize} for a study with several objectives, one trial at a time. */
  public void optimizeMulti(MultiObjective objective, int nTrials) {
    optimizeMulti(objective, nTrials, 1, Runnable::run);
  }

  /** {@link #optimize} for a study with several objectives. */
  public void optimizeMulti(MultiObjective objective, int nTrials, int nJobs,
      Executor executor) {
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

  private void work(MultiObjective objective, AtomicInteger remaining) {
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

  private void evaluate(MultiObjective objective, Trial trial) {
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

  /**
   * The feasible complete trial with the best value; ties go to the earlier trial.
   *
   * @throws InvalidInputException for a study with several objectives (see {@link #bestTrials})
   */
  public Optional<FrozenTrial> bestTrial() {
    Direction direction = direction();
    return feasible().stream()
        .min((a, b) -> Double.compare(direction.asLoss(a.value().orElseThrow()),
            direction.asLoss(b.value().orElseThrow())));
  }

  /**
   * The Pareto front: the feasible complete trials that no other feasible complete trial
   * dominates (at least as good in every objective and better in one), in trial order. For one
   * objective, the trials that share the best value.
   */
  public List<FrozenTrial> bestTrials() {
    List<FrozenTrial> feasible = feasible();
    double[][] losses = feasible.stream().map(this::losses).toArray(double[][]::new);
    int[] ranks = Pareto.ranks(losses);
    return IntStream.range(0, ranks.length)
        .filter(i -> ranks[i] == 0)
        .mapToObj(feasible::get)
        .toList();
  }

  private List<FrozenTrial> feasible() {
    return trials(TrialState.COMPLETE).stream().filter(FrozenTrial::isFeasible).toList();
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
  public List<Direction> directions() {
    return directions;
  }

  @Override
  public boolean hasConstraints() {
    return constraints.isPresent();
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

  /**
   * The study as a sampler sees it during one ask, its trials read once: every parameter's
   * suggestion reads them (a query with JDBC storage), and asks are serialized, so only a trial
   * finishing meanwhile could have differed.
   */
  private record AskView(Study study, List<FrozenTrial> trials) implements StudyView {
    @Override
    public String name() {
      return study.name();
    }

    @Override
    public List<Direction> directions() {
      return study.directions();
    }

    @Override
    public boolean hasConstraints() {
      return study.hasConstraints();
    }

    @Override
    public SearchSpace space() {
      return study.space();
    }

    @Override
    public long seed() {
      return study.seed();
    }
  }

  /** Configures a study; only the search space is required. */
  public static final class Builder {
    private String name = "study";
    private List<Direction> directions = List.of(Direction.MINIMIZE);
    private Constraints constraints;
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

    /** The direction of a single-objective study (default MINIMIZE). */
    public Builder direction(Direction direction) {
      return directions(direction);
    }

    /**
     * One direction per objective. With two or more, trials take a value per objective
     * ({@link #optimizeMulti}, {@code tell(trial, double[])}) and {@link #bestTrials} is the
     * Pareto front; the sampler must support several objectives and there is no pruning.
     */
    public Builder directions(Direction... directions) {
      require(directions != null && directions.length > 0,
          "directions must name at least one direction");
      for (Direction d : directions) {
        nonNull("direction", d);
      }
      this.directions = List.of(directions);
      return this;
    }

    /**
     * Constraints computed for each trial when it completes: a trial is feasible when all its
     * values are at most 0. Best trials are feasible ones, and TPE, the genetic sampler and
     * NSGA-II selection prefer feasible trials, as Optuna's constrained samplers do.
     */
    public Builder constraints(Constraints constraints) {
      this.constraints = nonNull("constraints", constraints);
      return this;
    }

    public Builder space(SearchSpace space) {
      this.space = nonNull("space", space);
      return this;
    }

    /**
     * Defaults to {@link AutoSampler}: the GP sampler for small single-objective studies, then
     * multivariate TPE.
     */
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
        sampler = AutoSampler.builder().build();
      }
      if (directions.size() > 1) {
        require(sampler.supportsMultiObjective(), sampler.getClass().getSimpleName()
            + " handles one objective, got " + directions.size() + " directions " + directions
            + "; use TpeSampler, GeneticSampler or RandomSampler");
        require(pruner instanceof NopPruner, "pruning needs a single objective, got "
            + directions.size() + " directions " + directions + "; leave the pruner unset");
      }
      if (storage == null) {
        storage = new InMemoryStorage();
      }
      storage.createStudy(name, directions, space);
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
