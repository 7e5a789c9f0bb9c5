package dev.serval.tune.sampler;

import dev.serval.core.InvalidInputException;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Param;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.StudyView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tries every combination of a grid once, in random order, then reports itself exhausted so the
 * study stops. The grid comes from explicit values per parameter or from the space (choices,
 * integer and stepped float grids). A conditional parameter only multiplies the combinations
 * in which it is active.
 */
public final class GridSampler implements Sampler {
  private final Map<String, List<Object>> explicit;
  private volatile Grid grid;

  private GridSampler(Map<String, List<Object>> explicit) {
    Map<String, List<Object>> copy = new LinkedHashMap<>();
    explicit.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    this.explicit = Map.copyOf(copy);
  }

  /** Grid from the space; continuous float parameters without a step are rejected. */
  public static GridSampler fromSpace() {
    return new GridSampler(Map.of());
  }

  /** Explicit values for some parameters; the others use their grid from the space. */
  public static GridSampler of(Map<String, List<Object>> values) {
    return new GridSampler(values);
  }

  @Override
  public Map<String, Object> sampleRelative(StudyView study, SamplingContext trial) {
    List<Map<String, Object>> left = unused(study);
    if (left.isEmpty()) {
      throw new IllegalStateException("grid sampled after it was exhausted");
    }
    return left.get(trial.random().nextInt(left.size()));
  }

  @Override
  public Object sampleIndependent(StudyView study, SamplingContext trial, Param param) {
    throw new IllegalStateException("grid point without parameter " + param.name());
  }

  @Override
  public boolean isExhausted(StudyView study) {
    return unused(study).isEmpty();
  }

  private List<Map<String, Object>> unused(StudyView study) {
    Set<Map<String, Object>> used = new HashSet<>();
    for (FrozenTrial t : study.trials()) {
      used.add(t.params());
    }
    List<Map<String, Object>> left = new ArrayList<>(points(study.space()));
    left.removeIf(used::contains);
    return left;
  }

  private List<Map<String, Object>> points(SearchSpace space) {
    Grid current = grid;
    if (current == null || current.space() != space) {
      List<Map<String, Object>> points = new ArrayList<>();
      enumerate(space, space.params(), 0, new LinkedHashMap<>(), points);
      current = new Grid(space, List.copyOf(points));
      grid = current;
    }
    return current.points();
  }

  private void enumerate(SearchSpace space, List<Param> params, int index,
      Map<String, Object> chosen, List<Map<String, Object>> out) {
    if (index == params.size()) {
      out.add(Map.copyOf(chosen));
      return;
    }
    Param param = params.get(index);
    if (!space.isActive(param.name(), chosen)) {
      enumerate(space, params, index + 1, chosen, out);
      return;
    }
    for (Object value : values(param)) {
      chosen.put(param.name(), value);
      enumerate(space, params, index + 1, chosen, out);
      chosen.remove(param.name());
    }
  }

  private List<Object> values(Param param) {
    List<Object> given = explicit.get(param.name());
    if (given == null) {
      return param.gridValues().orElseThrow(() -> new InvalidInputException("parameter "
          + param.name() + " is continuous: give it a step or explicit grid values"));
    }
    for (Object v : given) {
      if (!param.contains(v)) {
        throw new InvalidInputException("grid value " + v + " is outside parameter " + param);
      }
    }
    return given;
  }

  private record Grid(SearchSpace space, List<Map<String, Object>> points) {}
}
