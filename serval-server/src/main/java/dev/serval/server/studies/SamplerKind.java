package dev.serval.server.studies;

import dev.serval.tune.sampler.AutoSampler;
import dev.serval.tune.sampler.CmaEsSampler;
import dev.serval.tune.sampler.GeneticSampler;
import dev.serval.tune.sampler.GpSampler;
import dev.serval.tune.sampler.GridSampler;
import dev.serval.tune.sampler.QmcSampler;
import dev.serval.tune.sampler.RandomSampler;
import dev.serval.tune.sampler.Sampler;
import dev.serval.tune.sampler.SimulatedAnnealingSampler;
import dev.serval.tune.sampler.TpeSampler;
import java.util.Locale;
import java.util.function.Supplier;

/** The samplers by the names {@code serval tune --sampler} and the studies API take. */
public enum SamplerKind {
  /** The default: GP while it is the better choice for the study, else multivariate TPE. */
  AUTO(() -> AutoSampler.builder().build()),
  RANDOM(RandomSampler::new),
  GRID(GridSampler::fromSpace),
  QMC(QmcSampler::new),
  TPE(() -> TpeSampler.builder().build()),
  GP(() -> GpSampler.builder().build()),
  CMAES(() -> CmaEsSampler.builder().build()),
  ANNEAL(() -> SimulatedAnnealingSampler.builder().build()),
  GA(() -> GeneticSampler.builder().build());

  private final Supplier<Sampler> factory;

  SamplerKind(Supplier<Sampler> factory) {
    this.factory = factory;
  }

  /** A new sampler with its default settings. */
  public Sampler create() {
    return factory.get();
  }

  /** The lower-case name, as the CLI and the API write it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
