package dev.serval.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.circuitbreaker.CircuitBreaker;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.GracefulShutdown;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.serval.core.ListenAddress;
import dev.serval.gateway.internal.CallerEventLoops;
import dev.serval.gateway.internal.Forwarder;
import dev.serval.gateway.internal.GatewayJson;
import dev.serval.gateway.internal.GatewayMetrics;
import dev.serval.gateway.internal.GrpcProxy;
import dev.serval.gateway.internal.HealthChecker;
import dev.serval.gateway.internal.RestProxy;
import dev.serval.gateway.internal.Upstream;
import dev.serval.gateway.internal.UpstreamPool;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gateway mode: one address in front of many Serval replicas. Routes Open Inference Protocol
 * REST and gRPC requests by model (and version or alias) to the replicas that report the model
 * READY, picks the one with the fewest requests in flight, retries idempotent requests on another
 * replica after transport failures and 502/503, keeps a circuit breaker per replica, and sends
 * inference for a model no replica can serve to its configured backup model. Serves its own
 * health, {@code /metrics} and the status page {@code GET /gateway/upstreams}.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  public static final String STATUS_PATH = "/gateway/upstreams";

  private final String host;
  private final int requestedPort;
  private final Duration healthCheckInterval;
  private final UpstreamPool pool;
  private final HealthChecker healthChecker;
  private final ClientFactory clients;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final List<AutoCloseable> closeables;
  private final Server server;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private Gateway(Builder b) {
    this.host = b.host;
    this.closeables = List.copyOf(b.closeables);
    this.requestedPort = b.port;
    this.healthCheckInterval = b.healthCheckInterval;
    // Armeria's shared event loops: closing the factory then does not wait for its own to quiesce.
    this.clients = ClientFactory.builder()
        .workerGroup(CommonPools.workerGroup(), false)
        .eventLoopSchedulerFactory(CallerEventLoops::new)
        .connectTimeout(b.connectTimeout)
        .build();
    this.pool = new UpstreamPool(b.upstreams.stream().map(a -> upstream(a, b)).toList());
    this.healthChecker = new HealthChecker(pool, b.healthCheckTimeout);
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler ? healthCheckThread() : b.scheduler;
    GatewayMetrics metrics = new GatewayMetrics(b.meterRegistry, pool);
    Forwarder forwarder =
        new Forwarder(pool, metrics, b.backups, b.maxRetries, b.nanoClock, b.requestIds);
    ServerBuilder sb = Server.builder()
        .bossGroupFactory(ServerLoops::bossGroup)
        // The client's loops, so that CallerEventLoops can keep a request on the one that read it.
        .workerGroup(CommonPools.workerGroup(), false)
        .http(new InetSocketAddress(b.host, b.port))
        .maxRequestLength(b.maxRequestBytes)
        .requestTimeout(b.requestTimeout)
        .meterRegistry(b.meterRegistry)
        .gracefulShutdown(GracefulShutdown.builder()
            .quietPeriod(Duration.ofMillis(200)).timeout(b.requestTimeout).build());
    sb.route().get("/v2/health/live")
        .build((ctx, req) -> GatewayJson.flag("live", true).toHttpResponse());
    sb.route().get("/v2/health/ready")
        .build((ctx, req) -> GatewayJson.flag("ready", pool.anyHealthy()).toHttpResponse());
    sb.route().get(STATUS_PATH)
        .build((ctx, req) -> GatewayJson.upstreams(pool.status()).toHttpResponse());
    if (b.metricsService != null) {
      sb.route().get("/metrics").build(b.metricsService);
    }
    sb.serviceUnder("/v2", new RestProxy(forwarder, pool));
    sb.serviceUnder(GrpcProxy.PREFIX, new GrpcProxy(forwarder));
    b.decorators.forEach(sb::decorator);
    this.server = sb.build();
  }

  private Upstream upstream(UpstreamAddress address, Builder b) {
    WebClient client = WebClient.builder(SessionProtocol.H2C,
            Endpoint.of(address.host(), address.port()))
        .factory(clients)
        .maxResponseLength(b.maxRequestBytes)
        .build();
    CircuitSettings c = b.circuit;
    CircuitBreaker circuit = CircuitBreaker.builder("upstream " + address)
        .failureRateThreshold(c.failureRatio())
        .minimumRequestThreshold(c.minimumRequests())
        .counterSlidingWindow(c.window())
        // Fine buckets, so that a burst of failures opens the circuit within milliseconds.
        .counterUpdateInterval(c.window().dividedBy(100))
        .circuitOpenWindow(c.openWindow())
        .build();
    return new Upstream(address, client, circuit);
  }

  private static ScheduledExecutorService healthCheckThread() {
    return Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "serval-gateway-health");
      thread.setDaemon(true);
      return thread;
    });
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks every upstream once (so that the first requests are routed), starts the periodic
   * checks and listens.
   *
   * @throws IllegalStateException when already started or closed, or when the address cannot be
   *     bound
   */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("the gateway was already started or closed");
    }
    healthChecker.checkAll().join();
    healthChecker.schedule(scheduler, healthCheckInterval);
    try {
      server.start().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "could not listen on " + host + ":" + requestedPort + ": " + cause.getMessage(), cause);
    }
  }

  /** The port the gateway listens on; the bound one when the builder asked for port 0. */
  public int port() {
    if (!started.get()) {
      throw new IllegalStateException("the gateway has not been started");
    }
    return server.activeLocalPort();
  }

  /** What the gateway knows of each upstream now, in the configured order. */
  public List<UpstreamStatus> upstreams() {
    return pool.status();
  }

  /** Finishes the requests in flight, then stops health checks and closes connections. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.stop().join();
    } finally {
      if (ownsScheduler) {
        scheduler.shutdownNow();
      }
      clients.close();
      closeAll(closeables);
    }
  }

  private static void closeAll(List<AutoCloseable> closeables) {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("could not close {}", closeable, e);
      }
    }
  }

  /** Validating builder of {@link Gateway}; upstreams and a meter registry are required. */
  public static final class Builder {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RETRIES = 2;
    public static final int MAX_RETRIES_LIMIT = 5;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 64L * 1024 * 1024;

    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private List<UpstreamAddress> upstreams = List.of();
    private final Map<String, String> backups = new LinkedHashMap<>();
    private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
    private Duration healthCheckTimeout = DEFAULT_HEALTH_CHECK_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private CircuitSettings circuit = CircuitSettings.DEFAULT;
    private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private MeterRegistry meterRegistry;
    private HttpService metricsService;
    private final List<DecoratingHttpServiceFunction> decorators = new ArrayList<>();
    private Supplier<String> requestIds = () -> UUID.randomUUID().toString();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private LongSupplier nanoClock = System::nanoTime;
    private ScheduledExecutorService scheduler;

    private Builder() {}

    /** The address to bind; {@value #DEFAULT_HOST} unless told otherwise. */
    public Builder host(String host) {
      this.host = ListenAddress.host(host);
      return this;
    }

    /** The port to bind; 0 picks a free one (see {@link Gateway#port()}). */
    public Builder port(int port) {
      this.port = ListenAddress.port(port);
      return this;
    }

    /** Required: the replicas, each listed once. */
    public Builder upstreams(List<UpstreamAddress> upstreams) {
      if (upstreams == null || upstreams.isEmpty()) {
        throw new IllegalArgumentException("upstreams must list at least one replica but was "
            + upstreams);
      }
      this.upstreams = UpstreamAddress.requireDistinct(upstreams);
      return this;
    }

    /**
     * Inference for {@code primary} that no replica can serve (none has it READY and healthy, or
     * every attempt failed) goes to {@code backup}'s default version instead.
     */
    public Builder backup(String primary, String backup) {
      requireName("primary", primary);
      requireName("backup", backup);
      if (primary.equals(backup)) {
        throw new IllegalArgumentException("a model cannot be its own backup but was '"
            + primary + "=" + backup + "'");
      }
      if (backups.containsKey(primary)) {
        throw new IllegalArgumentException("model '" + primary + "' already has the backup '"
            + backups.get(primary) + "'; give one backup per model");
      }
      backups.put(primary, backup);
      return this;
    }

    /** How often each replica is checked, and how long one check may take. */
    public Builder healthChecks(Duration interval, Duration timeout) {
      this.healthCheckInterval = positive("health check interval", interval);
      this.healthCheckTimeout = positive("health check timeout", timeout);
      return this;
    }

    /** How long connecting to a replica may take before another is tried. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** The deadline of a request, all retries included (gRPC clients may set a shorter one). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /** How many other replicas a request may be sent to after the first; 0 to 5. */
    public Builder maxRetries(int retries) {
      if (retries < 0 || retries > MAX_RETRIES_LIMIT) {
        throw new IllegalArgumentException("maxRetries must be within 0.." + MAX_RETRIES_LIMIT
            + " but was " + retries);
      }
      this.maxRetries = retries;
      return this;
    }

    public Builder circuitBreaker(CircuitSettings settings) {
      this.circuit = Objects.requireNonNull(settings, "circuitBreaker");
      return this;
    }

    /** Larger requests are refused with 413; also the limit of a replica's answer. */
    public Builder maxRequestBytes(long bytes) {
      if (bytes <= 0 || bytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("maxRequestBytes must be within 1.."
            + (Integer.MAX_VALUE - 8) + " but was " + bytes);
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    /** Required: where the gateway's meters (and Armeria's server meters) go. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Served at {@code GET /metrics}, e.g. the registry in the Prometheus text format. */
    public Builder metricsService(HttpService service) {
      this.metricsService = Objects.requireNonNull(service, "metricsService");
      return this;
    }

    /** Wraps every route, e.g. an access log; applied in the order added. */
    public Builder decorator(DecoratingHttpServiceFunction decorator) {
      decorators.add(Objects.requireNonNull(decorator, "decorator"));
      return this;
    }

    /** Closed after the gateway stops, e.g. the access log a decorator writes. */
    public Builder onClose(AutoCloseable closeable) {
      closeables.add(Objects.requireNonNull(closeable, "closeable"));
      return this;
    }

    /** Makes the {@code x-request-id} of requests that come without one; random UUIDs. */
    public Builder requestIds(Supplier<String> ids) {
      this.requestIds = Objects.requireNonNull(ids, "requestIds");
      return this;
    }

    /** The clock of deadlines and request latency; {@code System::nanoTime}. */
    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "nanoClock");
      return this;
    }

    /** Runs the health checks; by default a thread of the gateway's own. Not shut down by it. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** @throws IllegalStateException when the upstreams or the meter registry are missing */
    public Gateway build() {
      if (upstreams.isEmpty()) {
        throw new IllegalStateException("upstreams must be set");
      }
      if (meterRegistry == null) {
        throw new IllegalStateException("meterRegistry must be set");
      }
      return new Gateway(this);
    }

    private static void requireName(String what, String name) {
      if (name == null || name.isBlank() || name.contains("/")) {
        throw new IllegalArgumentException(
            what + " model must be a model name but was '" + name + "'");
      }
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + value);
      }
      return value;
    }
  }
}
