package dev.serval.server.studies;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.core.InvalidInputException;
import dev.serval.server.api.internal.HttpErrors;
import dev.serval.server.management.internal.ManagementJson;
import dev.serval.server.management.internal.Queries;
import dev.serval.server.studies.internal.StudyJson;
import dev.serval.server.studies.internal.StudyJson.AskRequest;
import dev.serval.server.studies.internal.StudyJson.CreateRequest;
import dev.serval.server.studies.internal.StudyJson.ReportRequest;
import dev.serval.server.studies.internal.StudyJson.TellRequest;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.TrialState;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The studies REST API under {@value #PREFIX}: create or join, list, inspect and delete studies;
 * their trials, best trial, optimization history and parameter importances for dashboards; and
 * ask / report / tell, so that any process can run trials of a study the server holds. Every call
 * reaches the database, so all of them run on the blocking task executor.
 */
public final class StudiesApi {
  public static final String PREFIX = "/api/v1/studies";
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;
  private static final Set<String> NO_PARAMS = Set.of();
  private static final byte[] EMPTY_OBJECT = {'{', '}'};
  private static final Set<String> PAGE_PARAMS = Set.of("limit", "after");
  private static final Set<String> TRIAL_PARAMS = Set.of("limit", "after", "state");

  private final Studies studies;
  private final HttpErrors errors;

  public StudiesApi(Studies studies, HttpErrors errors) {
    this.studies = Objects.requireNonNull(studies, "studies");
    this.errors = Objects.requireNonNull(errors, "errors");
  }

  public void registerOn(ServerBuilder sb) {
    String study = PREFIX + "/{study}";
    String trial = study + "/trials/{number}";
    sb.route().get(PREFIX).build(read(PAGE_PARAMS, this::list));
    sb.route().post(PREFIX).build(write(CreateRequest.class, "study request", this::create));
    sb.route().get(study).build(read(NO_PARAMS, ctx -> ok(StudyJson.study(
        studies.get(name(ctx))))));
    sb.route().delete(study).build(read(NO_PARAMS, ctx -> {
      studies.delete(name(ctx));
      return HttpResponse.of(HttpStatus.NO_CONTENT);
    }));
    sb.route().get(study + "/trials").build(read(TRIAL_PARAMS, this::trials));
    sb.route().post(study + "/trials").build(write(AskRequest.class, "ask request", this::ask));
    sb.route().get(trial).build(read(NO_PARAMS, ctx -> ok(StudyJson.trial(
        studies.trial(name(ctx), number(ctx))))));
    sb.route().put(trial).build(write(TellRequest.class, "tell request", this::tell));
    sb.route().post(trial + "/report")
        .build(write(ReportRequest.class, "report request", this::report));
    sb.route().get(study + "/best").build(read(NO_PARAMS, ctx -> ok(StudyJson.trial(
        studies.best(name(ctx))))));
    sb.route().get(study + "/history").build(read(NO_PARAMS, ctx -> ok(StudyJson.history(
        studies.get(name(ctx))))));
    sb.route().get(study + "/importances").build(read(NO_PARAMS, ctx -> ok(
        StudyJson.importances(name(ctx), studies.importances(name(ctx))))));
  }

  private HttpResponse list(ServiceRequestContext ctx) {
    QueryParams query = ctx.queryParams();
    int limit = Queries.integer(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    // One more than asked tells whether a next page exists.
    List<StudySummary> page = studies.list(Queries.single(query, "after"), limit + 1);
    String next = page.size() > limit ? page.get(limit - 1).spec().name() : null;
    return ok(StudyJson.studies(page.subList(0, Math.min(limit, page.size())), next));
  }

  private HttpResponse create(ServiceRequestContext ctx, CreateRequest body) {
    Studies.Opened opened = studies.createOrJoin(body.toRequest());
    if (!opened.created()) {
      return ok(StudyJson.study(opened.study()));
    }
    return created(PREFIX + "/" + opened.study().spec().name(), StudyJson.study(opened.study()));
  }

  private HttpResponse trials(ServiceRequestContext ctx) {
    QueryParams query = ctx.queryParams();
    int limit = Queries.integer(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    int after = Queries.integer(query, "after", -1, -1, Integer.MAX_VALUE);
    Optional<TrialState> state = Optional.ofNullable(Queries.single(query, "state"))
        .map(StudiesApi::state);
    List<FrozenTrial> page = studies.get(name(ctx)).trials().stream()
        .filter(t -> t.number() > after && state.map(s -> t.state() == s).orElse(true))
        .limit(limit + 1L)
        .toList();
    Integer next = page.size() > limit ? page.get(limit - 1).number() : null;
    return ok(StudyJson.trials(page.subList(0, Math.min(limit, page.size())), next));
  }

  private HttpResponse ask(ServiceRequestContext ctx, AskRequest body) {
    FrozenTrial trial = studies.ask(name(ctx));
    return created(PREFIX + "/" + name(ctx) + "/trials/" + trial.number(),
        StudyJson.trial(trial));
  }

  private HttpResponse report(ServiceRequestContext ctx, ReportRequest body) {
    ReportRequest report = body.validate();
    return ok(StudyJson.prune(studies.report(name(ctx), number(ctx), report.step(),
        report.value())));
  }

  private HttpResponse tell(ServiceRequestContext ctx, TellRequest body) {
    return ok(StudyJson.trial(studies.tell(name(ctx), number(ctx), body.trialState(),
        body.optionalValue(), Optional.ofNullable(body.error()))));
  }

  private static TrialState state(String text) {
    try {
      return TrialState.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("query parameter 'state' must be one of "
          + List.of(TrialState.values()) + ", got '" + text + "'");
    }
  }

  private static String name(ServiceRequestContext ctx) {
    return ctx.pathParam("study");
  }

  private static int number(ServiceRequestContext ctx) {
    String text = ctx.pathParam("number");
    try {
      int number = Integer.parseInt(text);
      if (number >= 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new InvalidInputException("trial number must be an integer >= 0, got '" + text + "'");
  }

  /** A route without a body: strict query parameters, then {@code route} off the event loop. */
  private HttpService read(Set<String> params, Function<ServiceRequestContext, HttpResponse> route) {
    return (ctx, req) -> errors.blocking(ctx, () -> {
      Queries.allowOnly(ctx.queryParams(), params);
      return route.apply(ctx);
    });
  }

  /**
   * A route with a small JSON body read strictly (an empty body reads as {@code {}}), and no
   * query parameters.
   */
  private <T> HttpService write(Class<T> type, String what,
      BiFunction<ServiceRequestContext, T, HttpResponse> route) {
    return (ServiceRequestContext ctx, HttpRequest req) -> HttpResponse.of(req.aggregate()
        .thenApplyAsync(body -> {
          Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
          byte[] json = body.content().isEmpty() ? EMPTY_OBJECT : body.content().array();
          return route.apply(ctx, ManagementJson.read(json, type, what));
        }, ctx.blockingTaskExecutor())
        .exceptionally(errors::toResponse));
  }

  private static HttpResponse ok(byte[] json) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, json);
  }

  private static HttpResponse created(String location, byte[] json) {
    return HttpResponse.of(ResponseHeaders.builder(HttpStatus.CREATED)
        .contentType(MediaType.JSON_UTF_8)
        .set(HttpHeaderNames.LOCATION, location)
        .build(), HttpData.wrap(json));
  }
}
