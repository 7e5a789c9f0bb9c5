package dev.serval.server.security;

import com.linecorp.armeria.server.ServerBuilder;
import dev.serval.security.ApiKeys;
import dev.serval.security.AuditLog;
import dev.serval.security.ConcurrencyLimiter;
import dev.serval.security.RateLimiter;
import dev.serval.server.api.internal.HttpErrors;
import dev.serval.server.security.internal.Guards;
import io.grpc.ServerInterceptor;
import java.util.Objects;

/**
 * The server's access control: API keys (when on), rate and concurrency limits, and the audit
 * log of management calls, for REST and gRPC alike. Probes ({@code /v2/health/*}) and {@code
 * /metrics} stay open, since Kubernetes and Prometheus send no keys.
 */
public final class ServerSecurity {
  private final Guards guards;

  private ServerSecurity(Builder b) {
    ConcurrencyLimiter concurrency =
        b.maxConcurrentRequests == 0 ? null : new ConcurrencyLimiter(b.maxConcurrentRequests);
    this.guards = new Guards(b.keys, b.audit, b.rates, concurrency);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Guards every route of {@code sb} (the gRPC service's calls too, with {@link
   * #grpcInterceptor()}), and serves {@code /api/v1/keys} and {@code /api/v1/audit}.
   */
  public void registerOn(ServerBuilder sb, HttpErrors errors) {
    guards.registerOn(sb, errors);
  }

  /** Checks each gRPC call; give it to the gRPC service. */
  public ServerInterceptor grpcInterceptor() {
    return guards.grpc();
  }

  /** Validating builder of {@link ServerSecurity}. */
  public static final class Builder {
    private ApiKeys keys;
    private AuditLog audit;
    private RateLimiter rates = RateLimiter.builder().build();
    private int maxConcurrentRequests;

    private Builder() {}

    /** Turns keys on: every request but probes and metrics needs one. Off by default. */
    public Builder keys(ApiKeys keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** Required: where management calls are recorded. */
    public Builder audit(AuditLog audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /** Default: no rate limits. */
    public Builder rateLimiter(RateLimiter rates) {
      this.rates = Objects.requireNonNull(rates, "rates");
      return this;
    }

    /**
     * At most this many inferences in flight per key (per server when keys are off); 0, the
     * default, for no limit.
     */
    public Builder maxConcurrentRequests(int max) {
      if (max < 0) {
        throw new IllegalArgumentException(
            "maxConcurrentRequests must be 0 (no limit) or more but was " + max);
      }
      this.maxConcurrentRequests = max;
      return this;
    }

    public ServerSecurity build() {
      if (audit == null) {
        throw new IllegalStateException("ServerSecurity needs audit(..)");
      }
      return new ServerSecurity(this);
    }
  }
}
