package dev.serval.server.studies;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.Direction;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.StudyConflictException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * A request to create a study or join the one of that name. What it leaves out takes the
 * existing study's setting, or a default for a new study (minimize, TPE, no pruner, a random
 * seed); what it gives must match the existing study.
 */
public record StudyRequest(
    String name,
    SearchSpace space,
    Optional<Direction> direction,
    Optional<SamplerKind> sampler,
    Optional<PrunerSpec> pruner,
    OptionalLong seed) {
  public StudyRequest {
    if (name == null || name.isBlank() || space == null) {
      throw new InvalidInputException("a study needs a name and a space, got name '" + name
          + "' and space " + space);
    }
  }

  /** The spec of a new study. */
  StudySpec newSpec(LongSupplier seeds) {
    return new StudySpec(name, space, direction.orElse(Direction.MINIMIZE),
        sampler.orElse(SamplerKind.AUTO), pruner.orElse(PrunerSpec.NONE),
        seed.orElseGet(seeds));
  }

  /** @throws StudyConflictException naming the first setting that differs from {@code held} */
  void requireMatches(StudySpec held) {
    if (!space.toJson().equals(held.space().toJson())) {
      throw conflict("search space", held.space().toJson(), space.toJson());
    }
    direction.filter(d -> d != held.direction())
        .ifPresent(d -> { throw conflict("direction", held.direction(), d); });
    sampler.filter(s -> s != held.sampler())
        .ifPresent(s -> { throw conflict("sampler", held.sampler().id(), s.id()); });
    pruner.filter(p -> !p.equals(held.pruner()))
        .ifPresent(p -> { throw conflict("pruner", held.pruner(), p); });
    if (seed.isPresent() && seed.getAsLong() != held.seed()) {
      throw conflict("seed", held.seed(), seed.getAsLong());
    }
  }

  private StudyConflictException conflict(String what, Object held, Object wanted) {
    return new StudyConflictException("study " + name + " exists with " + what + " " + held
        + ", not " + wanted + "; leave " + what + " out to join it, or use another study name");
  }
}
