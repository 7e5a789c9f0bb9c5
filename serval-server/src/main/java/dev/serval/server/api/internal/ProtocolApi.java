package dev.serval.server.api.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.async.AsyncService;
import dev.serval.core.InvalidInputException;
import dev.serval.server.api.RequestAttributes;
import dev.serval.serving.ModelService;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Open Inference Protocol REST routes with Triton's model repository and statistics
 * extensions, over a {@link ModelService}.
 */
public final class ProtocolApi {
  public static final String SERVER_NAME = "serval";
  public static final List<String> EXTENSIONS =
      List.of("binary_tensor_data", "model_repository", "statistics");

  private static final byte[] LIVE = ProtocolJson.flag("live", true);
  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private final ModelService models;
  private final BooleanSupplier serverReady;
  private final HttpErrors errors;
  private final byte[] serverMetadata;
  private final PathVersions versions;
  private final InferService infer;
  /** Null when the server does not take asynchronous requests. */
  private final AsyncRoutes asyncRoutes;

  /**
   * @param serverReady whether the server takes traffic; false while it drains
   * @param serverVersion reported by {@code GET /v2}
   * @param versions resolves a route's version alias to a version number
   * @param async stores asynchronous requests and batches; null to refuse them
   */
  public ProtocolApi(
      ModelService models,
      BooleanSupplier serverReady,
      String serverVersion,
      VersionResolver versions,
      HttpErrors errors,
      AsyncService async) {
    this.models = Objects.requireNonNull(models, "models");
    this.versions = new PathVersions(Objects.requireNonNull(versions, "versions"));
    this.serverReady = Objects.requireNonNull(serverReady, "serverReady");
    this.errors = Objects.requireNonNull(errors, "errors");
    this.serverMetadata = ProtocolJson.serverMetadata(SERVER_NAME, serverVersion, EXTENSIONS);
    this.asyncRoutes = async == null ? null : new AsyncRoutes(async, models, this.versions, errors);
    this.infer =
        new InferService(
            models,
            new InferRequestDecoder(Json.FACTORY),
            new InferResponseEncoder(Json.FACTORY),
            this.versions,
            errors,
            asyncRoutes);
  }

  public void registerOn(ServerBuilder sb) {
    get(sb, "/v2", (ctx, req) -> json(HttpStatus.OK, serverMetadata));
    get(sb, "/v2/health/live", (ctx, req) -> json(HttpStatus.OK, LIVE));
    get(sb, "/v2/health/ready", (ctx, req) -> serverReady());
    // An exact path outranks "/v2/models/{model}" in Armeria's router.
    get(sb, "/v2/models/stats", (ctx, req) -> statistics(null, null));
    for (String model : List.of("/v2/models/{model}", "/v2/models/{model}/versions/{version}")) {
      get(sb, model, addressed((ctx, req) -> withVersion(ctx, version -> metadata(ctx, version))));
      get(sb, model + "/ready",
          (ctx, req) -> withVersion(ctx, version -> modelReady(ctx, version)));
      get(sb, model + "/stats",
          (ctx, req) ->
              withVersion(ctx, version -> statistics(ctx.pathParam("model"), version)));
      sb.route().post(model + "/infer").build(addressed(infer));
    }
    post(sb, "/v2/repository/index", this::index);
    post(sb, "/v2/repository/models/{model}/load", (ctx, req) -> change(ctx, req, models::load));
    post(sb, "/v2/repository/models/{model}/unload",
        (ctx, req) -> change(ctx, req, models::unload));
    if (asyncRoutes != null) {
      asyncRoutes.registerOn(sb);
    }
  }

  /** Records the model a route addresses for the access log and the metrics. */
  private static HttpService addressed(HttpService service) {
    return service.decorate(
        (delegate, ctx, req) -> {
          ctx.setAttr(RequestAttributes.MODEL, ctx.pathParam("model"));
          return delegate.serve(ctx, req);
        });
  }

  private HttpResponse serverReady() {
    boolean ready = serverReady.getAsBoolean();
    return json(
        ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, ProtocolJson.flag("ready", ready));
  }

  private HttpResponse withVersion(
      ServiceRequestContext ctx, Function<String, HttpResponse> respond) {
    CompletableFuture<String> version = versions.resolve(ctx);
    if (version.isDone()) {
      return respond.apply(version.join());
    }
    return async(version.thenApply(respond));
  }

  private HttpResponse metadata(ServiceRequestContext ctx, String version) {
    return json(
        HttpStatus.OK,
        ProtocolJson.modelMetadata(models.metadata(ctx.pathParam("model"), version)));
  }

  private HttpResponse modelReady(ServiceRequestContext ctx, String version) {
    String model = ctx.pathParam("model");
    boolean ready = models.isModelReady(model, version);
    return json(
        ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
        ProtocolJson.modelReady(model, ready));
  }

  private HttpResponse statistics(String model, String version) {
    return json(HttpStatus.OK, ProtocolJson.statistics(models.statistics(model, version)));
  }

  /** The index rescans the repository folder, so it runs off the event loop. */
  private HttpResponse index(ServiceRequestContext ctx, HttpRequest req) {
    return async(
        req.aggregate()
            .thenApply(body -> readyOnly(body.content().array()))
            .thenApplyAsync(
                readyOnly ->
                    json(HttpStatus.OK, ProtocolJson.repositoryIndex(models.index(readyOnly))),
                ctx.blockingTaskExecutor()));
  }

  /** Load and unload block until the model is ready or drained, so they run off the event loop. */
  private HttpResponse change(ServiceRequestContext ctx, HttpRequest req, Consumer<String> action) {
    String model = ctx.pathParam("model");
    // Loading includes warmup, which may outlast a timeout sized for inference.
    ctx.clearRequestTimeout();
    return async(
        req.aggregate()
            .thenApplyAsync(
                body -> {
                  action.accept(model);
                  return json(HttpStatus.OK, EMPTY_OBJECT);
                },
                ctx.blockingTaskExecutor()));
  }

  private HttpResponse async(CompletableFuture<HttpResponse> response) {
    return HttpResponse.of(response.exceptionally(errors::toResponse));
  }

  /** The body of an index request: empty, {@code {}} or {@code {"ready": true}}. */
  static boolean readyOnly(byte[] body) {
    if (body.length == 0) {
      return false;
    }
    boolean readyOnly = false;
    try (JsonParser parser = Json.FACTORY.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidInputException("the index request must be a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("ready")) {
          if (!value.isBoolean()) {
            throw new InvalidInputException("'ready' must be true or false");
          }
          readyOnly = value == JsonToken.VALUE_TRUE;
        } else {
          parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException("unexpected content after the index request's object");
      }
    } catch (JsonProcessingException e) {
      throw Json.malformed(e);
    } catch (IOException e) {
      throw new InvalidInputException("unreadable JSON: " + e.getMessage(), e);
    }
    return readyOnly;
  }

  static HttpResponse json(HttpStatus status, byte[] body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, body);
  }

  private static void get(ServerBuilder sb, String path, HttpService service) {
    sb.route().get(path).build(service);
  }

  private static void post(ServerBuilder sb, String path, HttpService service) {
    sb.route().post(path).build(service);
  }
}
