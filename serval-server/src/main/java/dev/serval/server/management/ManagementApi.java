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
import dev.serval.registry.Lineage;
import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.PageRequest;
import dev.serval.registry.RegistryService;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import dev.serval.server.api.internal.HttpErrors;
import dev.serval.server.management.internal.ManagementJson;
import dev.serval.server.management.internal.ManagementJson.AliasRequest;
import dev.serval.server.management.internal.PrefixInputStream;
import dev.serval.server.management.internal.Queries;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The management REST API under {@value #PREFIX}: push versions (streamed to the registry), list
 * and get models and versions, move aliases, delete. Every registry call blocks (database, disk),
 * so all of them run on the blocking task executor.
 */
public final class ManagementApi {
  public static final String PREFIX = "/api/v1/models";
  /** Length of the test case JSON that precedes the artifact in a push body. */
  public static final String TEST_CASES_LENGTH = "serval-test-cases-length";

  private static final int DEFAULT_LIMIT = 100;
  private static final int DEFAULT_WAIT_SECONDS = 60;
  private static final int MAX_WAIT_SECONDS = 3600;
  private static final Set<String> PUSH_PARAMS =
      Set.of("description", "tag", "wait", "timeout_seconds");
  private static final Set<String> MODEL_LIST_PARAMS = Set.of("prefix", "tag", "limit", "after");
  private static final Set<String> PAGE_PARAMS = Set.of("limit", "after");
  private static final Set<String> NO_PARAMS = Set.of();

  private final ModelRegistry registry;
  private final RegistryService service;
  private final HttpErrors errors;

  /**
   * @param registry what {@code service} pushes to; read and changed directly by the other routes
   */
  public ManagementApi(ModelRegistry registry, RegistryService service, HttpErrors errors) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.service = Objects.requireNonNull(service, "service");
    this.errors = Objects.requireNonNull(errors, "errors");
  }

  public void registerOn(ServerBuilder sb) {
    String model = PREFIX + "/{model}";
    // The registry enforces its upload limit while it streams to disk, so the server's own
    // (in-memory sized) limit must not cut the body short first.
    sb.route().post(model + "/versions").maxRequestLength(0).build(this::push);
    sb.route().get(PREFIX).build(blocking(this::listModels));
    sb.route().get(model).build(blocking(this::getModel));
    sb.route().delete(model).build(blocking(this::deleteModel));
    sb.route().get(model + "/versions").build(blocking(this::listVersions));
    sb.route().get(model + "/versions/{version}").build(blocking(this::getVersion));
    sb.route().delete(model + "/versions/{version}").build(blocking(this::deleteVersion));
    sb.route().put(model + "/aliases/{alias}").build(this::setAlias);
    sb.route().delete(model + "/aliases/{alias}").build(blocking(this::removeAlias));
  }

  private HttpResponse push(ServiceRequestContext ctx, HttpRequest req) {
    QueryParams query = ctx.queryParams();
    Queries.allowOnly(query, PUSH_PARAMS);
    String model = ctx.pathParam("model");
    VersionMetadata metadata =
        new VersionMetadata(
            Queries.text(query, "description", ""), Queries.tags(query, "tag"), Lineage.NONE);
    Optional<Duration> wait =
        Queries.bool(query, "wait")
            ? Optional.of(Duration.ofSeconds(Queries.integer(
                query, "timeout_seconds", DEFAULT_WAIT_SECONDS, 1, MAX_WAIT_SECONDS)))
            : Optional.empty();
    long testCasesLength = testCasesLength(req.headers());
    // A large upload (and the wait for validation) may outlast a timeout sized for inference.
    ctx.clearRequestTimeout();
    InputStream body = req.toInputStream(ManagementApi::dataOnly);
    return async(ctx, () -> {
      try (InputStream in = body) {
        Optional<InputStream> testCases =
            testCasesLength == 0 ? Optional.empty()
                : Optional.of(new PrefixInputStream(in, testCasesLength));
        // RegistryService reads the test cases in full before the artifact.
        VersionRecord pushed = service.push(model, in, metadata, testCases);
        VersionRecord current = wait.map(timeout -> await(pushed, timeout))
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
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    return HttpResponse.of(
        req.aggregate()
            .thenApplyAsync(
                body -> {
                  AliasRequest request =
                      ManagementJson.read(body.content().array(), AliasRequest.class,
                          "alias request");
                  return ok(ManagementJson.model(registry.setAlias(
                      ctx.pathParam("model"), ctx.pathParam("alias"), request.version())));
                },
                ctx.blockingTaskExecutor())
            .exceptionally(errors::toResponse));
  }

  private HttpResponse removeAlias(ServiceRequestContext ctx) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    return ok(ManagementJson.model(
        registry.removeAlias(ctx.pathParam("model"), ctx.pathParam("alias"))));
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
    return (ctx, req) -> async(ctx, () -> route.apply(ctx));
  }

  private HttpResponse async(ServiceRequestContext ctx, Supplier<HttpResponse> work) {
    return HttpResponse.of(
        CompletableFuture.supplyAsync(work, ctx.blockingTaskExecutor())
            .exceptionally(errors::toResponse));
  }

  private static HttpResponse ok(byte[] json) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, json);
  }
}
