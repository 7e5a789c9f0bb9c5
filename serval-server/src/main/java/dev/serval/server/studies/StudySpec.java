package dev.serval.server.studies;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.Direction;
import dev.serval.tune.SearchSpace;

/** Everything that defines a study the server holds: what it searches and how. */
public record StudySpec(
    String name,
    SearchSpace space,
    Direction direction,
    SamplerKind sampler,
    PrunerSpec pruner,
    long seed) {
  public StudySpec {
    if (name == null || space == null || direction == null || sampler == null
        || pruner == null) {
      throw new InvalidInputException("a study needs a name, space, direction, sampler and"
          + " pruner, got " + name + ", " + space + ", " + direction + ", " + sampler + ", "
          + pruner);
    }
  }
}
