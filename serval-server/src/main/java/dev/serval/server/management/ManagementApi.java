package dev.serval.server.management;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.core.DeadlineExceededException;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ServalException;
import dev.serval.registry.Lineage;
import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRecord;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.PageRequest;
import dev.serval.registry.RegistryService;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import dev.serval.server.api.internal.HttpErrors;
import dev.serval.server.management.internal.ManagementJson;
import dev.serval.server.management.internal.ManagementJson.AliasRequest;
import dev.serval.server.management.internal.ManagementJson.DeployRequest;
import dev.serval.server.management.internal.ManagementJson.DescriptionRequest;
import dev.serval.server.management.internal.ManagementJson.PromoteRequest;
import dev.serval.server.management.internal.ManagementJson.TagRequest;
import dev.serval.server.management.internal.OpenApiDocument;
import dev.serval.server.management.internal.PrefixInputStream;
import dev.serval.server.management.internal.Queries;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management REST API under {@value #PREFIX}: push versions (streamed to the registry, which
 * registers the model once the upload is complete), list and get models and versions, move aliases, set and remove tags, delete; and
 * the OpenAPI document of the whole REST surface at {@value #OPENAPI_PATH}. Every registry call
 * blocks (database, disk), so all of them run on the blocking task executor.
 */
public final class ManagementApi {
  public static final String PREFIX = "/api/v1/models";
  public static final String OPENAPI_PATH = "/api/v1/openapi.json";
  /** Length of the test case JSON that precedes the artifact in a push body. */
  public static final String TEST_CASES_LENGTH = "serval-test-cases-length";

  private static final int DEFAULT_LIMIT = 100;
  private static final int DEFAULT_WAIT_SECONDS = 60;
  private static final int MAX_WAIT_SECONDS = 3600;
  private static final Set<String> PUSH_PARAMS =
      Set.of("description", "tag", "wait", "timeout_seconds", "parent", "job", "transform");
  private static final Set<String> MODEL_LIST_PARAMS = Set.of("prefix", "tag", "limit", "after");
  private static final Set<String> PAGE_PARAMS = Set.of("limit", "after");
  private static final Set<String> NO_PARAMS = Set.of();
  private static final Set<String> ROLLOUT_PARAMS = Set.of("timeout_seconds");
  private static final Set<String> HISTORY_PARAMS = Set.of("limit");
  private static final int DEFAULT_HISTORY = 20;
  private static final Logger log = LoggerFactory.getLogger(ManagementApi.class);

  private final ModelRegistry registry;
  private final RegistryService service;
  private final HttpErrors errors;
  private final Rollout rollout;
  private final byte[] openApi = OpenApiDocument.load();

  /**
   * @param registry what {@code service} pushes to; read and changed directly by the other routes
   * @param rollout makes this node serve a deployment change before the change is answered
   */
  public ManagementApi(
      ModelRegistry registry, RegistryService service, HttpErrors errors, Rollout rollout) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.service = Objects.requireNonNull(service, "service");
    this.errors = Objects.requireNonNull(errors, "errors");
    this.rollout = Objects.requireNonNull(rollout, "rollout");
  }

  public void registerOn(ServerBuilder sb) {
    String model = PREFIX + "/{model}";
    // The registry enforces its upload limit while it streams to disk, so the server's own
    // (in-memory sized) limit must not cut the body short first.
    sb.route().post(model + "/versions").maxRequestLength(0).build(this::push);
    sb.route().get(PREFIX).build(blocking(this::listModels));
    sb.route().get(model).build(blocking(this::getModel));
    sb.route().delete(model).build(blocking(this::deleteModel));
    sb.route().patch(model).build(this::describeModel);
    sb.route().patch(model + "/versions/{version}").build(this::describeVersion);
    sb.route().get(model + "/versions").build(blocking(this::listVersions));
    sb.route().get(model + "/versions/{version}").build(blocking(this::getVersion));
    sb.route().delete(model + "/versions/{version}").build(blocking(this::deleteVersion));
    sb.route().put(model + "/aliases/{alias}").build(this::setAlias);
    sb.route().delete(model + "/aliases/{alias}").build(blocking(this::removeAlias));
    sb.route().put(model + "/tags/{key}").build(this::setModelTag);
    sb.route().delete(model + "/tags/{key}").build(blocking(this::removeModelTag));
    sb.route().put(model + "/versions/{version}/tags/{key}").build(this::setVersionTag);
    sb.route().delete(model + "/versions/{version}/tags/{key}")
        .build(blocking(this::removeVersionTag));
    sb.route().get(model + "/deployment").build(blocking(this::getDeployment));
    sb.route().put(model + "/deployment").build(this::deploy);
    sb.route().delete(model + "/deployment").build(blocking(this::clearDeployment));
    sb.route().post(model + "/deployment/promote").build(this::promote);
    sb.route().post(model + "/deployment/rollback").build(blocking(this::rollback));
    sb.route().get(OPENAPI_PATH).build((ctx, req) -> {
      Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
      return ok(openApi);
    });
  }

  private HttpResponse push(ServiceRequestContext ctx, HttpRequest req) {
    QueryParams query = ctx.queryParams();
    Queries.allowOnly(query, PUSH_PARAMS);
    String model = ctx.pathParam("model");
    VersionMetadata metadata =
        new VersionMetadata(
            Queries.text(query, "description", ""), Queries.tags(query, "tag"), lineage(query));
    Duration timeout = Duration.ofSeconds(
        Queries.integer(query, "timeout_seconds", DEFAULT_WAIT_SECONDS, 1, MAX_WAIT_SECONDS));
    Optional<Duration> wait = Queries.bool(query, "wait") ? Optional.of(timeout) : Optional.empty();
    long testCasesLength = testCasesLength(req.headers());
    // A large upload (and the wait for validation) may outlast a timeout sized for inference.
    ctx.clearRequestTimeout();
    InputStream body = req.toInputStream(ManagementApi::dataOnly);
    return errors.blocking(ctx, () -> {
      try (InputStream in = body) {
        Optional<InputStream> testCases =
            testCasesLength == 0 ? Optional.empty()
                : Optional.of(new PrefixInputStream(in, testCasesLength));
        // RegistryService reads the test cases in full before the artifact.
        VersionRecord pushed = service.push(model, in, metadata, testCases);
        VersionRecord current = wait.map(limit -> await(pushed, limit))
            .orElseGet(() -> registry.getVersion(model, pushed.version()));
        ResponseHeaders headers =
            ResponseHeaders.builder(HttpStatus.CREATED)
                .contentType(MediaType.JSON_UTF_8)
                .set(HttpHeaderNames.LOCATION,
                    PREFIX + "/" + model + "/versions/" + pushed.version())
                .build();
        return HttpResponse.of(headers, HttpData.wrap(ManagementJson.version(current)));
      } catch (IOException e) {
        throw new InvalidInputException("upload failed: " + e.getMessage(), e);
      }
    });
  }

  /** Where the pushed version came from: {@code parent=MODEL:VERSION}, {@code job}, {@code transform}. */
  private static Lineage lineage(QueryParams query) {
    String parent = Queries.single(query, "parent");
    String parentModel = null;
    Integer parentVersion = null;
    if (parent != null) {
      int colon = parent.lastIndexOf(':');
      if (colon < 1) {
        throw new InvalidInputException("parent must be MODEL:VERSION but was '" + parent + "'");
      }
      parentModel = parent.substring(0, colon);
      parentVersion = versionNumber(parent.substring(colon + 1));
    }
    return new Lineage(parentModel, parentVersion, Queries.single(query, "job"),
        Queries.single(query, "transform"), null);
  }

  /** Waits for validation; on timeout the answer carries the state reached so far. */
  private VersionRecord await(VersionRecord pushed, Duration timeout) {
    try {
      return service.awaitValidation(pushed.model(), pushed.version(), timeout);
    } catch (DeadlineExceededException e) {
      return registry.getVersion(pushed.model(), pushed.version());
    }
  }

  private static long testCasesLength(RequestHeaders headers) {
    String value = headers.get(TEST_CASES_LENGTH);
    if (value == null) {
      return 0;
    }
    try {
      long length = Long.parseLong(value.trim());
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new InvalidInputException(
        "header " + TEST_CASES_LENGTH + " must be a byte count >= 0: " + value);
  }

  private static HttpData dataOnly(Object part) {
    // Trailers may follow the body; they are not part of the artifact.
    return part instanceof HttpData ? (HttpData) part : HttpData.empty();
  }

  private HttpResponse listModels(ServiceRequestContext ctx) {
    QueryParams query = ctx.queryParams();
    Queries.allowOnly(query, MODEL_LIST_PARAMS);
    return ok(ManagementJson.models(registry.listModels(modelFilter(query), page(query))));
  }

  private static ModelFilter modelFilter(QueryParams query) {
    String prefix = Queries.single(query, "prefix");
    String tag = Queries.single(query, "tag");
    String[] pair = tag == null ? new String[] {null, null} : Queries.keyValue("tag", tag);
    return new ModelFilter(prefix, pair[0], pair[1]);
  }

  private static PageRequest page(QueryParams query) {
    return new PageRequest(
        Queries.single(query, "after"),
        Queries.integer(query, "limit", DEFAULT_LIMIT, 1, PageRequest.MAX_LIMIT));
  }

  private HttpResponse getModel(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    return ok(ManagementJson.model(registry.getModel(ctx.pathParam("model"))));
  }

  private HttpResponse deleteModel(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    registry.deleteModel(ctx.pathParam("model"));
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }

  private HttpResponse listVersions(ServiceRequestContext ctx) {
    QueryParams query = ctx.queryParams();
    Queries.allowOnly(query, PAGE_PARAMS);
    return ok(ManagementJson.versions(registry.listVersions(ctx.pathParam("model"), page(query))));
  }

  private HttpResponse getVersion(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    return ok(ManagementJson.version(
        registry.resolve(ctx.pathParam("model"), ctx.pathParam("version"))));
  }

  private HttpResponse deleteVersion(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    registry.deleteVersion(ctx.pathParam("model"), versionNumber(ctx.pathParam("version")));
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }

  private HttpResponse setAlias(ServiceRequestContext ctx, HttpRequest req) {
    return withBody(ctx, req, AliasRequest.class, "alias request", alias -> ManagementJson.model(
        applied(registry.setAlias(ctx.pathParam("model"), ctx.pathParam("alias"),
            alias.version()))));
  }

  private HttpResponse removeAlias(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    return ok(ManagementJson.model(
        applied(registry.removeAlias(ctx.pathParam("model"), ctx.pathParam("alias")))));
  }

  /**
   * Serves an alias change on this node before answering: the version it names is loaded on
   * standby and inference by the alias resolves to it. A version that cannot load leaves the
   * alias set; serving reports why in the repository index.
   */
  private ModelRecord applied(ModelRecord changed) {
    try {
      rollout.apply(changed.name(), Duration.ofSeconds(DEFAULT_WAIT_SECONDS));
    } catch (ServalException e) {
      log.warn("alias of '{}' moved, but serving did not follow: {}", changed.name(),
          e.getMessage());
    }
    return changed;
  }

  private HttpResponse describeModel(ServiceRequestContext ctx, HttpRequest req) {
    return withBody(ctx, req, DescriptionRequest.class, "description request",
        body -> ManagementJson.model(
            registry.setModelDescription(ctx.pathParam("model"), body.description())));
  }

  private HttpResponse describeVersion(ServiceRequestContext ctx, HttpRequest req) {
    return withBody(ctx, req, DescriptionRequest.class, "description request",
        body -> ManagementJson.version(registry.setVersionDescription(ctx.pathParam("model"),
            versionNumber(ctx.pathParam("version")), body.description())));
  }

  private HttpResponse setModelTag(ServiceRequestContext ctx, HttpRequest req) {
    return withBody(ctx, req, TagRequest.class, "tag request", tag -> ManagementJson.model(
        registry.setModelTag(ctx.pathParam("model"), ctx.pathParam("key"), tag.value())));
  }

  private HttpResponse removeModelTag(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    return ok(ManagementJson.model(
        registry.removeModelTag(ctx.pathParam("model"), ctx.pathParam("key"))));
  }

  private HttpResponse setVersionTag(ServiceRequestContext ctx, HttpRequest req) {
    return withBody(ctx, req, TagRequest.class, "tag request", tag -> ManagementJson.version(
        registry.setVersionTag(ctx.pathParam("model"), versionNumber(ctx.pathParam("version")),
            ctx.pathParam("key"), tag.value())));
  }

  private HttpResponse removeVersionTag(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    return ok(ManagementJson.version(registry.removeVersionTag(ctx.pathParam("model"),
        versionNumber(ctx.pathParam("version")), ctx.pathParam("key"))));
  }

  private HttpResponse getDeployment(ServiceRequestContext ctx) {
    QueryParams query = ctx.queryParams();
    Queries.allowOnly(query, HISTORY_PARAMS);
    return ok(deployment(ctx.pathParam("model"),
        Queries.integer(query, "limit", DEFAULT_HISTORY, 1, DEFAULT_LIMIT)));
  }

  private HttpResponse deploy(ServiceRequestContext ctx, HttpRequest req) {
    return withBody(ctx, req, ROLLOUT_PARAMS, DeployRequest.class, "deployment request",
        request -> rollOut(ctx, model -> registry.deploy(model, request.spec())));
  }

  private HttpResponse promote(ServiceRequestContext ctx, HttpRequest req) {
    return withBody(ctx, req, ROLLOUT_PARAMS, PromoteRequest.class, "promote request",
        request -> rollOut(ctx, model -> registry.promote(model, request.version())));
  }

  private HttpResponse rollback(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), ROLLOUT_PARAMS);
    return ok(rollOut(ctx, registry::rollback));
  }

  private HttpResponse clearDeployment(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), ROLLOUT_PARAMS);
    return ok(rollOut(ctx, registry::clearDeployment));
  }

  /**
   * Records the change, then waits until this node serves it. When serving refuses it (a load
   * failed, or would exceed the memory budget), the registry goes back to the revision before, so
   * that it never names a deployment that cannot serve, and the refusal is the answer.
   */
  private byte[] rollOut(ServiceRequestContext ctx, Consumer<String> change) {
    // Loading and warming a model may outlast a timeout sized for inference.
    ctx.clearRequestTimeout();
    String model = ctx.pathParam("model");
    Duration timeout = Duration.ofSeconds(Queries.integer(
        ctx.queryParams(), "timeout_seconds", DEFAULT_WAIT_SECONDS, 1, MAX_WAIT_SECONDS));
    change.accept(model);
    try {
      rollout.apply(model, timeout);
    } catch (DeadlineExceededException e) {
      throw e; // still loading: it serves once loaded
    } catch (ServalException e) {
      revert(model, timeout);
      throw e;
    }
    return deployment(model, DEFAULT_HISTORY);
  }

  private void revert(String model, Duration timeout) {
    try {
      registry.rollback(model);
    } catch (ServalException noEarlierRevision) {
      registry.clearDeployment(model);
    }
    try {
      rollout.apply(model, timeout);
    } catch (ServalException e) {
      log.warn("'{}' did not return to its previous deployment: {}", model, e.getMessage());
    }
  }

  private byte[] deployment(String model, int history) {
    return ManagementJson.deployment(
        model, registry.deployment(model), registry.deploymentHistory(model, history));
  }

  /** Reads a small JSON body, then answers {@code respond}'s JSON on the blocking executor. */
  private <T> HttpResponse withBody(ServiceRequestContext ctx, HttpRequest req, Class<T> type,
      String what, Function<T, byte[]> respond) {
    return withBody(ctx, req, NO_PARAMS, type, what, respond);
  }

  private <T> HttpResponse withBody(ServiceRequestContext ctx, HttpRequest req,
      Set<String> params, Class<T> type, String what, Function<T, byte[]> respond) {
    Queries.allowOnly(ctx.queryParams(), params);
    return HttpResponse.of(
        req.aggregate()
            .thenApplyAsync(
                body -> ok(respond.apply(ManagementJson.read(body.content().array(), type, what))),
                ctx.blockingTaskExecutor())
            .exceptionally(errors::toResponse));
  }

  private static int versionNumber(String text) {
    try {
      int version = Integer.parseInt(text);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new InvalidInputException("version must be a number >= 1: " + text);
  }

  private HttpService blocking(Function<ServiceRequestContext, HttpResponse> route) {
    return (ctx, req) -> errors.blocking(ctx, () -> route.apply(ctx));
  }

  private static HttpResponse ok(byte[] json) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, json);
  }
}
