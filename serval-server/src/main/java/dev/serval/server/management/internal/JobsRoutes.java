package dev.serval.server.management.internal;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.core.InvalidInputException;
import dev.serval.jobs.JobRecord;
import dev.serval.jobs.JobState;
import dev.serval.jobs.Jobs;
import dev.serval.jobs.LogView;
import dev.serval.jobs.MetricPoint;
import dev.serval.jobs.MetricsChart;
import dev.serval.server.api.internal.HttpErrors;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The jobs routes under {@value #PREFIX}: submit, list, get, cancel, logs (whole, or followed as
 * server-sent events while the job runs) and metrics as series or as an SVG chart. Job calls
 * block on the database, so they run on the blocking task executor.
 */
public final class JobsRoutes {
  public static final String PREFIX = "/api/v1/jobs";
  private static final Set<String> NO_PARAMS = Set.of();
  private static final Set<String> LIST_PARAMS = Set.of("state", "limit", "after");
  private static final Set<String> LOG_PARAMS = Set.of("attempt", "follow");
  private static final Set<String> METRIC_PARAMS = Set.of("attempt");
  private static final Set<String> CHART_PARAMS = Set.of("attempt", "metric");
  private static final int DEFAULT_LIMIT = 50;
  private static final long FOLLOW_MILLIS = 200;
  private static final MediaType EVENT_STREAM = MediaType.parse("text/event-stream");

  private final Jobs jobs;
  private final HttpErrors errors;

  public JobsRoutes(Jobs jobs, HttpErrors errors) {
    this.jobs = jobs;
    this.errors = errors;
  }

  public void registerOn(ServerBuilder sb) {
    String job = PREFIX + "/{id}";
    sb.route().post(PREFIX).build(this::submit);
    sb.route().get(PREFIX).build(blocking(LIST_PARAMS, this::list));
    sb.route().get(job).build(blocking(NO_PARAMS, ctx -> ok(JobsJson.job(
        jobs.get(ctx.pathParam("id"))))));
    sb.route().post(job + "/cancel").build(blocking(NO_PARAMS, ctx -> ok(JobsJson.job(
        jobs.cancel(ctx.pathParam("id"))))));
    sb.route().get(job + "/logs").build(blocking(LOG_PARAMS, this::logs));
    sb.route().get(job + "/metrics").build(blocking(METRIC_PARAMS, this::metrics));
    sb.route().get(job + "/metrics.svg").build(blocking(CHART_PARAMS, this::chart));
  }

  private HttpResponse submit(ServiceRequestContext ctx, HttpRequest req) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    return HttpResponse.of(req.aggregate().thenApplyAsync(body -> {
      JobsJson.JobRequest request = ManagementJson.read(body.content().array(),
          JobsJson.JobRequest.class, "job request");
      JobRecord submitted = jobs.submit(request.spec());
      return HttpResponse.of(ResponseHeaders.builder(HttpStatus.CREATED)
          .contentType(MediaType.JSON_UTF_8)
          .set(HttpHeaderNames.LOCATION, PREFIX + "/" + submitted.id())
          .build(), HttpData.wrap(JobsJson.job(submitted)));
    }, ctx.blockingTaskExecutor()).exceptionally(errors::toResponse));
  }

  private HttpResponse list(ServiceRequestContext ctx) {
    QueryParams query = ctx.queryParams();
    String state = Queries.single(query, "state");
    return ok(JobsJson.jobs(jobs.list(state == null ? null : state(state),
        Queries.integer(query, "limit", DEFAULT_LIMIT, 1, Jobs.MAX_LIMIT),
        Queries.single(query, "after"))));
  }

  private HttpResponse metrics(ServiceRequestContext ctx) {
    String id = ctx.pathParam("id");
    int attempt = jobs.attempt(id, attempt(ctx.queryParams()));
    return ok(JobsJson.metrics(id, attempt, jobs.metrics(id, attempt)));
  }

  /** The metrics as an SVG chart; {@code ?metric=NAME} draws only that one. */
  private HttpResponse chart(ServiceRequestContext ctx) {
    String id = ctx.pathParam("id");
    JobRecord job = jobs.get(id);
    int attempt = jobs.attempt(id, attempt(ctx.queryParams()));
    List<MetricPoint> points = jobs.metrics(id, attempt);
    String metric = Queries.single(ctx.queryParams(), "metric");
    if (metric != null) {
      List<MetricPoint> all = points;
      points = all.stream().filter(p -> p.name().equals(metric)).toList();
      if (points.isEmpty() && !all.isEmpty()) {
        throw new InvalidInputException("job " + id + " has no metric '" + metric
            + "' in attempt " + attempt + "; it has " + String.join(", ", all.stream()
                .map(MetricPoint::name).collect(Collectors.toCollection(TreeSet::new))));
      }
    }
    String title = "Job " + job.spec().name() + " (" + id + "), attempt " + attempt;
    return HttpResponse.of(HttpStatus.OK, MediaType.SVG_UTF_8, MetricsChart.svg(title, points));
  }

  private HttpResponse logs(ServiceRequestContext ctx) {
    String id = ctx.pathParam("id");
    Integer asked = attempt(ctx.queryParams());
    int attempt = jobs.attempt(id, asked);
    if (!Queries.bool(ctx.queryParams(), "follow")) {
      return HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8,
          HttpData.wrap(jobs.log(id, attempt).readAll()));
    }
    ctx.clearRequestTimeout();
    HttpResponseWriter stream = HttpResponse.streaming();
    stream.write(ResponseHeaders.builder(HttpStatus.OK).contentType(EVENT_STREAM)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache").build());
    LogStream follow = new LogStream(id, attempt, asked == null, stream);
    ScheduledFuture<?> task = ctx.blockingTaskExecutor().scheduleWithFixedDelay(
        follow::step, 0, FOLLOW_MILLIS, TimeUnit.MILLISECONDS);
    stream.whenComplete().handle((done, failure) -> task.cancel(false));
    return stream;
  }

  /**
   * Sends an attempt's new log lines as {@code data} events; when following the latest attempt
   * it moves on to a retry with an {@code attempt} event, and it ends with an {@code end} event
   * whose data is the finished job.
   */
  private final class LogStream {
    private final String id;
    private final boolean latest;
    private final HttpResponseWriter stream;
    private int attempt;
    private LogView.Follower follower;

    LogStream(String id, int attempt, boolean latest, HttpResponseWriter stream) {
      this.id = id;
      this.attempt = attempt;
      this.latest = latest;
      this.stream = stream;
      this.follower = jobs.log(id, attempt).follow();
    }

    void step() {
      if (!stream.isOpen()) {
        return;
      }
      try {
        JobRecord job = jobs.get(id);
        boolean moved = latest && job.attempt() > attempt;
        boolean over = job.state().isFinished() || (!latest && job.attempt() > attempt);
        follower.poll(moved || over).forEach(line -> event(null, line));
        if (moved) {
          attempt = job.attempt();
          follower = jobs.log(id, attempt).follow();
          event("attempt", Integer.toString(attempt));
          follower.poll(over).forEach(line -> event(null, line));
        }
        if (over) {
          event("end", new String(JobsJson.job(job), StandardCharsets.UTF_8));
          stream.close();
        }
      } catch (RuntimeException e) {
        event("error", e.getMessage());
        stream.close();
      }
    }

    private void event(String name, String data) {
      StringBuilder text = new StringBuilder();
      if (name != null) {
        text.append("event: ").append(name).append('\n');
      }
      // A line may hold a carriage return, which would end the data line early.
      Arrays.stream(data.split("\r", -1)).forEach(part -> text.append("data: ").append(part)
          .append('\n'));
      stream.tryWrite(HttpData.ofUtf8(text.append('\n').toString()));
    }
  }

  private static JobState state(String text) {
    try {
      return JobState.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("state must be one of " + Arrays.toString(JobState.values())
          + ", got '" + text + "'");
    }
  }

  private static Integer attempt(QueryParams query) {
    return Queries.single(query, "attempt") == null ? null
        : Queries.integer(query, "attempt", 1, 1, Integer.MAX_VALUE);
  }

  private HttpService blocking(Set<String> params,
      Function<ServiceRequestContext, HttpResponse> route) {
    return (ctx, req) -> errors.blocking(ctx, () -> {
      Queries.allowOnly(ctx.queryParams(), params);
      return route.apply(ctx);
    });
  }

  private static HttpResponse ok(byte[] json) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, json);
  }
}
