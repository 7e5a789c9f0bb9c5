package dev.serval.server.studies.internal;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.server.studies.PrunerKind;
import dev.serval.server.studies.PrunerSpec;
import dev.serval.server.studies.SamplerKind;
import dev.serval.server.studies.StudyRequest;
import dev.serval.server.studies.StudySpec;
import dev.serval.server.studies.StudySummary;
import dev.serval.tune.Direction;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.SearchSpace;
import dev.serval.tune.TrialState;
import dev.serval.tune.importance.ParamImportances;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The JSON of the studies API: snake_case, lower-case names of directions, samplers and pruners,
 * trial states in capitals as serval tune writes them. Requests are read strictly by
 * {@code ManagementJson.read}; required fields are checked here.
 */
public final class StudyJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .build();

  private StudyJson() {}

  /** The body of {@code POST /api/v1/studies}. */
  public record CreateRequest(String name, JsonNode space, String direction, String sampler,
      PrunerJson pruner, Long seed) {
    public StudyRequest toRequest() {
      required("name", name);
      required("space", space);
      if (!space.isObject()) {
        throw new InvalidInputException("field 'space' must be an object of parameters, as"
            + " serval tune --space takes, got " + space);
      }
      return new StudyRequest(name, SearchSpace.fromJson(space.toString()),
          Optional.ofNullable(direction).map(d -> choice("direction", d, Direction.class)),
          Optional.ofNullable(sampler).map(s -> choice("sampler", s, SamplerKind.class)),
          Optional.ofNullable(pruner).map(PrunerJson::toSpec),
          seed == null ? OptionalLong.empty() : OptionalLong.of(seed));
    }
  }

  /** A pruner: its type and the settings that type uses; absent settings take defaults. */
  public record PrunerJson(String type, Integer minResource, Integer maxResource,
      Integer reductionFactor, Double percentile) {
    static PrunerJson of(PrunerSpec spec) {
      boolean rungs = spec.kind() == PrunerKind.ASHA || spec.kind() == PrunerKind.HYPERBAND;
      return new PrunerJson(spec.kind().id(), rungs ? spec.minResource() : null,
          spec.kind() == PrunerKind.HYPERBAND ? spec.maxResource() : null,
          rungs ? spec.reductionFactor() : null,
          spec.kind() == PrunerKind.PERCENTILE ? spec.percentile() : null);
    }

    PrunerSpec toSpec() {
      required("pruner.type", type);
      return new PrunerSpec(choice("pruner.type", type, PrunerKind.class),
          minResource == null ? PrunerSpec.DEFAULT_MIN_RESOURCE : minResource,
          maxResource == null ? PrunerSpec.DEFAULT_MAX_RESOURCE : maxResource,
          reductionFactor == null ? PrunerSpec.DEFAULT_REDUCTION_FACTOR : reductionFactor,
          percentile == null ? PrunerSpec.DEFAULT_PERCENTILE : percentile);
    }
  }

  /** The body of {@code POST .../trials} (ask): nothing yet, but only {@code {}} is accepted. */
  public record AskRequest() {}

  /** The body of {@code POST .../trials/{n}/report}. */
  public record ReportRequest(Integer step, Double value) {
    public ReportRequest validate() {
      required("step", step);
      required("value", value);
      return this;
    }
  }

  /** The body of {@code PUT .../trials/{n}} (tell). */
  public record TellRequest(String state, Double value, String error) {
    public TrialState trialState() {
      required("state", state);
      return choice("state", state, TrialState.class);
    }

    public OptionalDouble optionalValue() {
      return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
  }

  public static byte[] study(StudySummary study) {
    return write(StudyView.of(study));
  }

  public static byte[] studies(List<StudySummary> page, String next) {
    return write(new StudyList(page.stream().map(StudyView::of).toList(), next));
  }

  public static byte[] trial(FrozenTrial trial) {
    return write(TrialView.of(trial));
  }

  public static byte[] trials(List<FrozenTrial> page, Integer next) {
    return write(new TrialList(page.stream().map(TrialView::of).toList(), next));
  }

  public static byte[] prune(boolean prune) {
    return write(Map.of("prune", prune));
  }

  /** Every trial by number with the best value up to it: an optimization history plot. */
  public static byte[] history(StudySummary study) {
    Direction direction = study.spec().direction();
    List<HistoryPoint> points = new ArrayList<>();
    Double best = null;
    for (FrozenTrial t : study.trials()) {
      Double value = valueOf(t);
      if (t.state() == TrialState.COMPLETE && value != null
          && (best == null || direction.isBetter(value, best))) {
        best = value;
      }
      points.add(new HistoryPoint(t.number(), t.state(), value, best, t.start().toString(),
          instant(t.end()), seconds(t)));
    }
    return write(new History(study.spec().name(), id(direction), points));
  }

  public static byte[] importances(String study, ParamImportances importances) {
    return write(new Importances(study, importances.method(), importances.trials(),
        importances.importances()));
  }

  /**
   * @throws InvalidInputException naming the field and the accepted values
   */
  static <E extends Enum<E>> E choice(String field, String value, Class<E> type) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("field '" + field + "' must be one of "
          + Arrays.stream(type.getEnumConstants()).map(c -> id(c)).toList() + ", got '" + value
          + "'");
    }
  }

  private static void required(String field, Object value) {
    if (value == null) {
      throw new InvalidInputException("missing field '" + field + "'");
    }
  }

  private static String id(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  private static Double valueOf(FrozenTrial t) {
    return t.value().isPresent() ? t.value().getAsDouble() : null;
  }

  private static String instant(Optional<Instant> instant) {
    return instant.map(Instant::toString).orElse(null);
  }

  private static Double seconds(FrozenTrial t) {
    return t.duration().map(d -> d.toMillis() / 1000.0).orElse(null);
  }

  private static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("study records always serialise", e);
    }
  }

  record StudyView(String name, String direction, @JsonRawValue String space, String sampler,
      PrunerJson pruner, long seed, String created, int nTrials,
      Map<TrialState, Integer> trialCounts, Double bestValue, Integer bestTrial) {
    static StudyView of(StudySummary s) {
      StudySpec spec = s.spec();
      Optional<FrozenTrial> best = s.best();
      return new StudyView(spec.name(), id(spec.direction()), spec.space().toJson(),
          spec.sampler().id(), PrunerJson.of(spec.pruner()), spec.seed(),
          s.created().toString(), s.trials().size(), s.counts(),
          best.map(StudyJson::valueOf).orElse(null), best.map(FrozenTrial::number).orElse(null));
    }
  }

  record StudyList(List<StudyView> studies, String next) {}

  record TrialView(int number, TrialState state, Double value, Map<String, Object> params,
      Map<String, Double> intermediate, Map<String, Object> userAttrs, String started,
      String finished, Double durationSeconds) {
    static TrialView of(FrozenTrial t) {
      Map<String, Double> steps = new LinkedHashMap<>();
      t.intermediate().forEach((step, v) -> steps.put(step.toString(), v));
      return new TrialView(t.number(), t.state(), valueOf(t), t.params(), steps,
          t.userAttributes(), t.start().toString(), instant(t.end()), seconds(t));
    }
  }

  record TrialList(List<TrialView> trials, Integer next) {}

  record HistoryPoint(int number, TrialState state, Double value, Double bestValue,
      String started, String finished, Double durationSeconds) {}

  record History(String study, String direction, List<HistoryPoint> trials) {}

  record Importances(String study, String method, int trials,
      Map<String, Double> importances) {}
}
