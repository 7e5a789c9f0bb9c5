package dev.serval.server.security.internal;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.core.ServalException;
import dev.serval.security.Actor;
import dev.serval.security.ConcurrencyLimiter;
import dev.serval.server.api.ErrorStatus;
import dev.serval.server.grpc.internal.GrpcErrors;
import dev.serval.server.security.internal.AuditRecorder.Target;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Guards {@code inference.GRPCInferenceService}: the key when the call starts (read into the
 * cache by {@link HttpGuard} beforehand), role, model scope and rate limits on each request
 * message, which names the model. A refusal closes the call with UNAUTHENTICATED,
 * PERMISSION_DENIED or RESOURCE_EXHAUSTED (with a {@code retry-after} trailer). A stream counts
 * once against the concurrency limit, each of its messages against the rate limits.
 */
final class GrpcGuard implements ServerInterceptor {
  private final Guard guard;
  private final AuditRecorder audit;

  GrpcGuard(Guard guard, AuditRecorder audit) {
    this.guard = guard;
    this.audit = audit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Access access = GrpcAccess.of(call.getMethodDescriptor().getBareMethodName());
    if (access.isOpen()) {
      return next.startCall(call, headers);
    }
    ServiceRequestContext ctx = ServiceRequestContext.current();
    Caller caller;
    try {
      caller = guard.authenticate(ctx);
    } catch (ServalException e) {
      return refused(new GuardedCall<>(call, ctx, access, Actor.UNAUTHENTICATED), e);
    }
    GuardedCall<Q, R> guarded = new GuardedCall<>(call, ctx, access, caller.actor());
    ConcurrencyLimiter.Permit permit;
    try {
      permit = guard.enter(caller, access);
    } catch (ServalException e) {
      return refused(guarded, e);
    }
    if (permit != null) {
      ctx.log().whenComplete().thenRun(permit::close);
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(guarded, headers)) {
      private boolean closed;

      @Override
      public void onMessage(Q message) {
        if (closed) {
          return;
        }
        String model = GrpcAccess.model(message);
        guarded.model = model;
        try {
          guard.authorize(caller, access, model);
          guard.countRate(caller, access, model);
        } catch (ServalException e) {
          closed = true;
          guarded.refuse(e);
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!closed) {
          super.onHalfClose();
        }
      }
    };
  }

  private static <Q, R> ServerCall.Listener<Q> refused(GuardedCall<Q, R> call, ServalException e) {
    call.refuse(e);
    return new ServerCall.Listener<>() {};
  }

  /** The call, closed by a refusal or by the service; a write is audited with its outcome. */
  private final class GuardedCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final ServiceRequestContext ctx;
    private final Access access;
    private final Actor actor;
    private volatile String model;

    GuardedCall(ServerCall<Q, R> call, ServiceRequestContext ctx, Access access, Actor actor) {
      super(call);
      this.ctx = ctx;
      this.access = access;
      this.actor = actor;
    }

    void refuse(ServalException e) {
      StatusRuntimeException status = GrpcErrors.toStatus(e);
      close(status.getStatus(), status.getTrailers());
    }

    @Override
    public void close(Status status, Metadata trailers) {
      int outcome = httpEquivalent(status);
      if (access.audits(outcome)) {
        audit.record(ctx, actor, access.action(), new Target(model, null, null), outcome);
      }
      super.close(status, trailers);
    }
  }

  /** The audit log records outcomes as HTTP statuses; a gRPC code maps back through ErrorStatus. */
  private static int httpEquivalent(Status status) {
    if (status.isOk()) {
      return 200;
    }
    for (ErrorStatus mapped : ErrorStatus.values()) {
      if (mapped.grpcCode().equals(status.getCode().name())) {
        return mapped.httpStatus();
      }
    }
    return 500;
  }
}
