package dev.serval.server.security.internal;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.security.Actor;
import dev.serval.security.ApiKeys;
import dev.serval.security.ConcurrencyLimiter;
import dev.serval.security.Permission;
import dev.serval.security.RateLimiter;
import dev.serval.server.api.RequestAttributes;
import io.netty.util.AttributeKey;
import java.util.concurrent.CompletableFuture;

/**
 * The checks of one request, the same for REST and gRPC: who calls (key), whether the key may do
 * this to this model (role, scope), and whether the limits let it in now (rates, concurrency).
 */
final class Guard {
  /** Who makes the request: the creator of a key made through the API. */
  static final AttributeKey<Actor> ACTOR = AttributeKey.valueOf(Guard.class, "ACTOR");
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** Null when keys are off: every caller is anonymous and may do everything. */
  private final ApiKeys keys;
  private final RateLimiter rates;
  /** Null without a concurrency limit. */
  private final ConcurrencyLimiter concurrency;

  Guard(ApiKeys keys, RateLimiter rates, ConcurrencyLimiter concurrency) {
    this.keys = keys;
    this.rates = rates;
    this.concurrency = concurrency;
  }

  /**
   * Reads the request's key into the cache, off the event loop when it is not there yet, so that
   * {@link #authenticate} answers from memory.
   */
  CompletableFuture<Void> prefetch(ServiceRequestContext ctx) {
    String token = keys == null ? null : Credentials.tokenOrNull(ctx.request().headers());
    return token == null ? DONE : keys.load(token, ctx.blockingTaskExecutor());
  }

  /**
   * The caller, whose key id goes into the request's {@link RequestAttributes#KEY_ID}.
   *
   * @throws dev.serval.core.UnauthenticatedException without a valid key
   */
  Caller authenticate(ServiceRequestContext ctx) {
    if (keys == null) {
      ctx.setAttr(ACTOR, Actor.ANONYMOUS);
      return Caller.ANONYMOUS;
    }
    Caller caller = new Caller(keys.authenticate(Credentials.token(ctx.request().headers())));
    ctx.setAttr(RequestAttributes.KEY_ID, caller.key().id());
    ctx.setAttr(ACTOR, caller.actor());
    return caller;
  }

  /**
   * @param model the model the request addresses (for {@link Access.Scope#MODEL}), else ignored
   * @throws dev.serval.core.PermissionDeniedException when the key's role or scope forbids it
   */
  void authorize(Caller caller, Access access, String model) {
    if (caller.key() == null) {
      return;
    }
    switch (access.scope()) {
      case NONE -> caller.key().authorize(access.permission());
      case MODEL -> caller.key().authorize(access.permission(), model);
      case ALL -> caller.key().authorize(access.permission(), null);
    }
  }

  /**
   * Counts the request against the caller's rate limit, and an inference against its model's.
   *
   * @throws dev.serval.core.TooManyRequestsException over a limit
   */
  void countRate(Caller caller, Access access, String model) {
    rates.acquire(caller.key(), access.permission() == Permission.INFER ? model : null);
  }

  /**
   * A place among the caller's concurrent inferences, or null when not limited.
   *
   * @throws dev.serval.core.TooManyRequestsException when the caller has too many in flight
   */
  ConcurrencyLimiter.Permit enter(Caller caller, Access access) {
    if (concurrency == null || access.permission() != Permission.INFER) {
      return null;
    }
    return concurrency.acquire(caller.holder(), caller::describe);
  }
}
