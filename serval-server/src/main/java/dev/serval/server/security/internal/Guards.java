package dev.serval.server.security.internal;

import com.linecorp.armeria.server.ServerBuilder;
import dev.serval.security.ApiKeys;
import dev.serval.security.AuditLog;
import dev.serval.security.ConcurrencyLimiter;
import dev.serval.security.RateLimiter;
import dev.serval.server.api.internal.HttpErrors;
import io.grpc.ServerInterceptor;

/** Wires one {@link Guard} and audit log into the REST decorator, gRPC interceptor and routes. */
public final class Guards {
  private final ApiKeys keys;
  private final AuditLog audit;
  private final Guard guard;
  private final AuditRecorder recorder;

  /**
   * @param keys null when keys are off
   * @param concurrency null without a concurrency limit
   */
  public Guards(ApiKeys keys, AuditLog audit, RateLimiter rates, ConcurrencyLimiter concurrency) {
    this.keys = keys;
    this.audit = audit;
    this.guard = new Guard(keys, rates, concurrency);
    this.recorder = new AuditRecorder(audit);
  }

  public void registerOn(ServerBuilder sb, HttpErrors errors) {
    sb.decorator(new HttpGuard(guard, new RestAccess(), recorder, errors));
    new KeysApi(keys, audit, errors).registerOn(sb);
  }

  public ServerInterceptor grpc() {
    return new GrpcGuard(guard, recorder);
  }
}
