package dev.serval.server.security.internal;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.serval.core.ServalException;
import dev.serval.security.Actor;
import dev.serval.security.ConcurrencyLimiter;
import dev.serval.server.api.ErrorStatus;
import dev.serval.server.api.internal.HttpErrors;
import dev.serval.server.security.internal.AuditRecorder.Target;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

/**
 * Guards every REST route: key, role and scope, rate and concurrency limits, then the audit log
 * of management calls. gRPC calls pass through with their key read into the cache; {@link
 * GrpcGuard} checks them per message, where their model is known.
 */
final class HttpGuard implements DecoratingHttpServiceFunction {
  private final Guard guard;
  private final RestAccess routes;
  private final AuditRecorder audit;
  private final HttpErrors errors;

  HttpGuard(Guard guard, RestAccess routes, AuditRecorder audit, HttpErrors errors) {
    this.guard = guard;
    this.routes = routes;
    this.audit = audit;
    this.errors = errors;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    if (ctx.config().service().as(GrpcService.class) != null) {
      return afterPrefetch(ctx, () -> delegate.serve(ctx, req));
    }
    Access access = routes.of(ctx);
    if (access.isOpen()) {
      return delegate.serve(ctx, req);
    }
    return afterPrefetch(ctx, () -> check(delegate, ctx, req, access));
  }

  /** A response to make once the caller's key is in the cache. */
  @FunctionalInterface
  private interface Respond {
    HttpResponse get() throws Exception;
  }

  private HttpResponse afterPrefetch(ServiceRequestContext ctx, Respond respond)
      throws Exception {
    CompletableFuture<Void> loaded = guard.prefetch(ctx);
    if (loaded.isDone() && !loaded.isCompletedExceptionally()) {
      return respond.get();
    }
    return HttpResponse.of(loaded.thenApply(ignored -> {
      try {
        return respond.get();
      } catch (Exception e) {
        return errors.toResponse(e);
      }
    }).exceptionally(errors::toResponse));
  }

  private HttpResponse check(
      HttpService delegate, ServiceRequestContext ctx, HttpRequest req, Access access)
      throws Exception {
    String model = ctx.pathParam("model");
    Caller caller;
    try {
      caller = guard.authenticate(ctx);
    } catch (ServalException e) {
      return refuse(ctx, Actor.UNAUTHENTICATED, access, e);
    }
    ConcurrencyLimiter.Permit permit;
    try {
      guard.authorize(caller, access, model);
      guard.countRate(caller, access, model);
      permit = guard.enter(caller, access);
    } catch (ServalException e) {
      return refuse(ctx, caller.actor(), access, e);
    }
    if (permit != null) {
      ctx.log().whenComplete().thenRun(permit::close);
    }
    if (access.write()) {
      ctx.log().whenComplete().thenAccept(log -> audit.record(ctx, caller.actor(),
          access.action(), target(ctx, log), log.responseHeaders().status().code()));
    }
    return delegate.serve(ctx, req);
  }

  private HttpResponse refuse(
      ServiceRequestContext ctx, Actor actor, Access access, ServalException e) {
    int status = ErrorStatus.of(e.kind()).httpStatus();
    if (access.audits(status)) {
      audit.record(ctx, actor, access.action(), target(ctx, null), status);
    }
    HttpResponse response = errors.toResponse(e);
    return status == 401
        ? response.mapHeaders(h -> h.toBuilder().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer")
            .build())
        : response;
  }

  /**
   * The model, the version (from the path, or from the {@code Location} of a pushed one) and the
   * other path parameters.
   */
  private static Target target(ServiceRequestContext ctx, RequestLog log) {
    Integer version = number(ctx.pathParam("version"));
    String location = log == null ? null : log.responseHeaders().get(HttpHeaderNames.LOCATION);
    if (version == null && location != null) {
      version = number(location.substring(location.lastIndexOf('/') + 1));
    }
    StringJoiner detail = new StringJoiner(" ");
    for (Map.Entry<String, String> p : ctx.pathParams().entrySet()) {
      boolean numbered = p.getKey().equals("version") && version != null;
      if (!p.getKey().equals("model") && !numbered) {
        detail.add(p.getKey() + "=" + p.getValue());
      }
    }
    return new Target(ctx.pathParam("model"), version,
        detail.length() == 0 ? null : detail.toString());
  }

  private static Integer number(String text) {
    return text != null && text.matches("[0-9]{1,9}") ? Integer.valueOf(text) : null;
  }
}
