package dev.serval.server.api.internal;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.async.AsyncKind;
import dev.serval.async.AsyncService;
import dev.serval.async.AsyncState;
import dev.serval.async.AsyncStatus;
import dev.serval.async.Response;
import dev.serval.async.Submission;
import dev.serval.core.InvalidInputException;
import dev.serval.serving.InferenceRequest;
import dev.serval.serving.ModelService;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous inference over REST: accepting an infer request with {@code "async": true} (or
 * {@code Prefer: respond-async}) or a JSON Lines batch with 202 and a {@code Location}, and
 * {@code /v2/async/{id}} to fetch, inspect or delete it. The store and workers are in {@link
 * AsyncService}; database work runs on blocking-task threads.
 */
public final class AsyncRoutes {
  public static final String PREFIX = "/v2/async/";
  static final String ASYNC = "async";
  static final String REPLY_TO = "reply_to";
  static final String CALLBACK_URL = "callback_url";
  private static final String RESPOND_ASYNC = "respond-async";

  private final AsyncService async;
  private final ModelService models;
  private final PathVersions versions;
  private final HttpErrors errors;

  AsyncRoutes(AsyncService async, ModelService models, PathVersions versions, HttpErrors errors) {
    this.async = async;
    this.models = models;
    this.versions = versions;
    this.errors = errors;
  }

  void registerOn(ServerBuilder sb) {
    for (String model : List.of("/v2/models/{model}", "/v2/models/{model}/versions/{version}")) {
      sb.route().post(model + "/batch").build((ctx, req) -> HttpResponse.of(
          req.aggregate().thenCompose(body -> batch(ctx, body)).exceptionally(errors::toResponse)));
    }
    sb.route().get(PREFIX + "{id}").build((ctx, req) -> errors.blocking(ctx, () -> fetch(id(ctx))));
    sb.route().get(PREFIX + "{id}/status").build((ctx, req) ->
        errors.blocking(ctx, () -> status(HttpStatus.OK, async.status(id(ctx)))));
    sb.route().delete(PREFIX + "{id}").build((ctx, req) -> errors.blocking(ctx, () -> {
      async.delete(id(ctx));
      return HttpResponse.of(HttpStatus.NO_CONTENT);
    }));
  }

  /**
   * Whether the client asked for an asynchronous answer.
   *
   * @throws InvalidInputException when parameter {@value #ASYNC} is not a boolean
   */
  static boolean isRequested(RequestHeaders headers, Map<String, Object> parameters) {
    Object flag = parameters.get(ASYNC);
    if (flag != null && !(flag instanceof Boolean)) {
      throw new InvalidInputException("request parameter 'async' must be true or false but was "
          + flag);
    }
    if (Boolean.TRUE.equals(flag)) {
      return true;
    }
    for (String prefer : headers.getAll(HttpHeaderNames.PREFER)) {
      for (String preference : prefer.split(",")) {
        String name = preference.split(";", 2)[0].trim();
        if (name.toLowerCase(Locale.ROOT).equals(RESPOND_ASYNC)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Stores an infer request that decoded cleanly; its model must exist. */
  CompletableFuture<HttpResponse> accept(
      ServiceRequestContext ctx, AggregatedHttpRequest request, InferenceRequest decoded) {
    Map<String, Object> parameters = decoded.parameters();
    String headerLength = request.headers().get(InferService.HEADER_LENGTH);
    Submission submission = new Submission(AsyncKind.INFER, decoded.model(),
        ctx.pathParam("version"), contentType(request), request.content().array(),
        headerLength == null ? Map.of() : Map.of(InferService.HEADER_LENGTH, headerLength),
        text(parameters, REPLY_TO), text(parameters, CALLBACK_URL));
    return CompletableFuture.supplyAsync(
        () -> submit(submission, decoded.version()), ctx.blockingTaskExecutor());
  }

  private CompletableFuture<HttpResponse> batch(
      ServiceRequestContext ctx, AggregatedHttpRequest request) {
    Submission submission = new Submission(AsyncKind.BATCH, ctx.pathParam("model"),
        ctx.pathParam("version"), contentType(request), request.content().array(), Map.of(),
        ctx.queryParam(REPLY_TO), ctx.queryParam(CALLBACK_URL));
    return versions.resolve(ctx).thenApplyAsync(
        version -> submit(submission, version), ctx.blockingTaskExecutor());
  }

  /** Refuses an unknown model at once rather than when the request runs. */
  private HttpResponse submit(Submission submission, String resolvedVersion) {
    models.metadata(submission.model(), resolvedVersion);
    AsyncStatus accepted = async.submit(submission);
    ResponseHeaders headers = ResponseHeaders.builder(HttpStatus.ACCEPTED)
        .contentType(MediaType.JSON_UTF_8)
        .set(HttpHeaderNames.LOCATION, PREFIX + accepted.id())
        .set(AsyncService.HEADER_ID, accepted.id())
        .build();
    return HttpResponse.of(headers, HttpData.wrap(
        AsyncJson.status(accepted)));
  }

  /** Pending: 202 and the status; done: the stored answer; failed: the stored error. */
  private HttpResponse fetch(String id) {
    AsyncStatus status = async.status(id);
    if (!status.state().isFinished()) {
      return status(HttpStatus.ACCEPTED, status);
    }
    if (status.state() == AsyncState.FAILED) {
      return stored(id, errorsOf(status));
    }
    // Deleted between the two reads: answer as for an unknown id.
    return stored(id, async.result(id).orElseGet(() -> errorsOf(async.status(id))));
  }

  private static Response errorsOf(AsyncStatus status) {
    return AsyncInference.failure(status.errorKind(), status.errorMessage());
  }

  private static HttpResponse stored(String id, Response answer) {
    ResponseHeadersBuilder headers = ResponseHeaders.builder(HttpStatus.valueOf(answer.status()))
        .contentType(MediaType.parse(answer.contentType()))
        .set(AsyncService.HEADER_ID, id);
    answer.headers().forEach(headers::set);
    return HttpResponse.of(headers.build(),
        HttpData.wrap(answer.body()));
  }

  private static HttpResponse status(HttpStatus httpStatus, AsyncStatus status) {
    return HttpResponse.of(httpStatus, MediaType.JSON_UTF_8, AsyncJson.status(status));
  }

  private static String id(ServiceRequestContext ctx) {
    return ctx.pathParam("id");
  }

  private static String contentType(AggregatedHttpRequest request) {
    MediaType type = request.contentType();
    return type == null ? MediaType.JSON_UTF_8.toString() : type.toString();
  }

  /** A string parameter, or null when absent. */
  private static String text(Map<String, Object> parameters, String name) {
    Object value = parameters.get(name);
    if (value != null && !(value instanceof String)) {
      throw new InvalidInputException(
          "request parameter '" + name + "' must be a string but was " + value);
    }
    return (String) value;
  }
}
