package dev.serval.bench.tune;

import dev.serval.tune.CategoricalParam;
import dev.serval.tune.FloatParam;
import dev.serval.tune.InMemoryStorage;
import dev.serval.tune.IntParam;
import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.Study;
import dev.serval.tune.sampler.GpSampler;
import dev.serval.tune.sampler.RandomSampler;
import dev.serval.tune.sampler.Sampler;
import dev.serval.tune.sampler.SamplingContext;
import dev.serval.tune.sampler.TpeSampler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 6's sampler overhead: the time a sampler takes to suggest every parameter of one trial
 * (what {@code Study.ask} spends in the sampler), for a study that already has many complete
 * trials of a mixed 6-parameter space (log float, float, int, stepped int, two categoricals).
 * Targets: TPE under 5 ms at 1,000 trials, GP under 100 ms at 200. Run with
 * {@code java -cp <classpath> org.openjdk.jmh.Main SamplerOverheadBenchmark} (docs/tuning.md);
 * on a machine busy with other work, {@link #main} also reports the CPU time per suggestion,
 * which the other work does not inflate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SamplerOverheadBenchmark {
  static final SearchSpace SPACE = SearchSpace.builder()
      .add(FloatParam.logUniform("lr", 1e-5, 1))
      .add(FloatParam.uniform("dropout", 0, 0.5))
      .add(IntParam.of("layers", 1, 8))
      .add(IntParam.stepped("batch", 16, 256, 16))
      .add(CategoricalParam.of("optimizer", "sgd", "adam", "rmsprop"))
      .add(CategoricalParam.of("activation", "relu", "tanh", "gelu", "silu"))
      .build();

  // One sampler per study, as a study keeps its sampler (the GP's fit warm-starts from its last).
  private final Sampler tpe = TpeSampler.builder().build();
  private final Sampler tpeMultivariate = TpeSampler.builder().multivariate(true).build();
  private final Sampler gp = GpSampler.builder().build();
  private Study tpe1000;
  private Study tpeMultivariate1000;
  private Study gp200;
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    tpe1000 = filled(tpe, 1000);
    tpeMultivariate1000 = filled(tpeMultivariate, 1000);
    gp200 = filled(gp, 200);
  }

  /** A study of {@code trials} complete random trials, joined with {@code sampler}. */
  static Study filled(Sampler sampler, int trials) {
    InMemoryStorage storage = new InMemoryStorage();
    Study.builder().space(SPACE).storage(storage).sampler(new RandomSampler()).seed(7).build()
        .optimize(t -> loss(t.params()), trials);
    return Study.builder().space(SPACE).storage(storage).sampler(sampler).build();
  }

  /** A smooth loss with a categorical offset, so that the models have structure to fit. */
  static double loss(Map<String, Object> p) {
    double lr = Math.log10((Double) p.get("lr")) + 3;
    double layers = ((Integer) p.get("layers") - 4) / 4.0;
    return lr * lr + layers * layers + (Double) p.get("dropout")
        + ((Integer) p.get("batch")) / 256.0 + (p.get("optimizer").equals("adam") ? 0 : 0.3);
  }

  /** Every parameter of one new trial, as {@code Study.ask} asks the sampler for them. */
  static Map<String, Object> suggest(Study study, Sampler sampler, int number) {
    Map<String, Object> chosen = new LinkedHashMap<>();
    SamplingContext context = new SamplingContext(number,
        Collections.unmodifiableMap(chosen), new SplittableRandom(number));
    chosen.putAll(sampler.sampleRelative(study, context));
    for (Param param : SPACE.params()) {
      if (!chosen.containsKey(param.name())) {
        chosen.put(param.name(), sampler.sampleIndependent(study, context, param));
      }
    }
    return chosen;
  }

  /**
   * {@code [suggestions]}: after a warmup, wall and thread CPU time per suggestion of each
   * benchmark, one line each.
   */
  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    SamplerOverheadBenchmark b = new SamplerOverheadBenchmark();
    b.fill();
    Map<String, Runnable> runs = new LinkedHashMap<>();
    runs.put("tpeAt1000", b::tpeAt1000);
    runs.put("tpeMultivariateAt1000", b::tpeMultivariateAt1000);
    runs.put("gpAt200", b::gpAt200);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    runs.forEach((name, run) -> {
      for (int i = 0; i < count; i++) {
        run.run();
      }
      long cpu = threads.getCurrentThreadCpuTime();
      long wall = System.nanoTime();
      for (int i = 0; i < count; i++) {
        run.run();
      }
      System.out.printf("%s: %.2f ms/op wall, %.2f ms/op CPU (%d suggestions)%n", name,
          (System.nanoTime() - wall) / 1e6 / count,
          (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / count, count);
    });
  }

  @Benchmark
  public Map<String, Object> tpeAt1000() {
    return suggest(tpe1000, tpe, next++);
  }

  @Benchmark
  public Map<String, Object> tpeMultivariateAt1000() {
    return suggest(tpeMultivariate1000, tpeMultivariate, next++);
  }

  @Benchmark
  public Map<String, Object> gpAt200() {
    return suggest(gp200, gp, next++);
  }
}
