package dev.serval.server;

import com.linecorp.armeria.common.TlsKeyPair;
import com.linecorp.armeria.server.GracefulShutdown;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.serval.async.AsyncService;
import dev.serval.core.ListenAddress;
import dev.serval.gateway.ServerLoops;
import dev.serval.server.api.internal.AsyncInference;
import dev.serval.core.ModelNotFoundException;
import dev.serval.server.api.internal.HttpErrors;
import dev.serval.server.api.internal.MetricsService;
import dev.serval.server.api.internal.ProtocolApi;
import dev.serval.server.api.internal.VersionResolver;
import dev.serval.server.grpc.GrpcApi;
import dev.serval.jobs.Jobs;
import dev.serval.server.management.CompressRoutes;
import dev.serval.server.management.ManagementApi;
import dev.serval.server.management.internal.JobsRoutes;
import dev.serval.server.management.Rollout;
import dev.serval.server.security.ServerSecurity;
import dev.serval.server.security.TlsFiles;
import dev.serval.server.observability.Observability;
import dev.serval.server.studies.Studies;
import dev.serval.server.studies.StudiesApi;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.serving.ModelService;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP server: the Open Inference Protocol REST API (with the binary tensor data, model
 * repository and statistics extensions) and its gRPC service on the same port, health, and
 * Prometheus {@code /metrics}, over a
 * {@link ModelService}. Build with {@link #builder()}, then {@link #start()}; {@link #close()}
 * drains gracefully and closes the model service.
 */
public final class ServalServer implements AutoCloseable {
  /** How long a node without a broker may answer by an alias another node has moved. */
  private static final long ALIAS_TTL_NANOS = TimeUnit.SECONDS.toNanos(2);
  private final String host;
  private final int requestedPort;
  private final ModelService models;
  private final Server server;
  /** Null without a registry. */
  private final AliasCache aliases;
  /** Null without a registry: studies live in its database. */
  private final Studies studies;
  /** Null without asynchronous inference. */
  private final AsyncService async;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final Observability observability;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean draining;

  private ServalServer(Builder builder) {
    this.host = builder.host;
    this.requestedPort = builder.port;
    this.models = builder.modelService;
    HttpErrors errors = new HttpErrors(builder.maxRequestBytes);
    ServerBuilder sb =
        Server.builder()
            .bossGroupFactory(ServerLoops::bossGroup)
            .maxRequestLength(builder.maxRequestBytes)
            .requestTimeout(builder.requestTimeout)
            .gracefulShutdown(
                GracefulShutdown.builder()
                    .quietPeriod(builder.shutdownQuietPeriod)
                    .timeout(builder.shutdownTimeout)
                    .build())
            .meterRegistry(builder.meterRegistry)
            // HttpErrors logs what is unexpected; client errors (404, 413 ...) are not worth a
            // periodic warning with a stack trace.
            .unloggedExceptionsReportInterval(Duration.ZERO)
            .errorHandler(errors);
    listen(sb, new InetSocketAddress(builder.host, builder.port), builder.tls);
    List<ServerInterceptor> grpcInterceptors = List.of();
    if (builder.security != null) {
      builder.security.registerOn(sb, errors);
      grpcInterceptors = List.of(builder.security.grpcInterceptor());
    }
    this.aliases = builder.registry == null ? null
        : new AliasCache(builder.registry, System::nanoTime, ALIAS_TTL_NANOS);
    VersionResolver versions = aliases == null ? VersionResolver.IDENTITY : aliases;
    this.async = builder.async == null ? null : asyncService(builder.async, versions);
    new ProtocolApi(models, this::isReady, version(), versions, errors, async).registerOn(sb);
    new GrpcApi(models, this::isReady, version(), versions, grpcInterceptors).registerOn(sb);
    if (builder.registry != null) {
      Rollout rollout = (model, timeout) -> {
        aliases.forget(model);
        builder.rollout.apply(model, timeout);
      };
      new ManagementApi(builder.registry, builder.registryService, errors, rollout)
          .registerOn(sb);
      new CompressRoutes(builder.registry, builder.registryService, errors).registerOn(sb);
      this.studies = Studies.open(builder.registry.database(), Clock.systemUTC(),
          () -> ThreadLocalRandom.current().nextLong());
      new StudiesApi(studies, errors).registerOn(sb);
    } else {
      this.studies = null;
    }
    if (builder.jobs != null) {
      new JobsRoutes(builder.jobs, errors).registerOn(sb);
    }
    sb.route().get("/metrics").build(new MetricsService(builder.meterRegistry));
    this.observability =
        builder.observability.metrics(builder.meterRegistry, this::isKnownModel).build();
    // Added last, so outermost: requests that other decorators refuse (401, 429) are logged too.
    sb.decorator(observability.decorator());
    this.server = sb.build();
    for (MeterBinder binder : jvmMetrics()) {
      binder.bindTo(builder.meterRegistry);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  private AsyncService asyncService(AsyncService.Builder settings, VersionResolver versions) {
    AsyncInference inference = new AsyncInference(models, versions);
    return settings.handler(inference).failures(inference).build();
  }

  /** HTTPS (HTTP/2 by ALPN, so gRPC too) with a key pair, else cleartext HTTP/1.1 and h2c. */
  private static void listen(ServerBuilder sb, InetSocketAddress address, TlsKeyPair tls) {
    if (tls == null) {
      sb.http(address);
    } else {
      sb.https(address).tls(tls);
    }
  }

  /**
   * Binds the port and starts serving; returns once the server listens.
   *
   * @throws IllegalStateException when already started, or when the address cannot be bound
   */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("the server was already started or closed");
    }
    try {
      server.start().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "could not listen on " + host + ":" + requestedPort + ": " + cause.getMessage(), cause);
    }
    if (async != null) {
      async.start();
    }
  }

  /** The port the server listens on; the bound one when the builder asked for port 0. */
  public int port() {
    if (!started.get()) {
      throw new IllegalStateException("the server has not been started");
    }
    return server.activeLocalPort();
  }

  /**
   * Graceful shutdown: readiness turns false at once, requests keep being served until none has
   * arrived for the quiet period (or the shutdown timeout passes), then the model service drains
   * and closes. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    draining = true;
    try {
      server.stop().join();
    } finally {
      try {
        // Before the models: requests it runs go back to the queue instead of failing.
        if (async != null) {
          async.close();
        }
        models.close();
      } finally {
        gcMetrics.close();
        observability.close();
        if (aliases != null) {
          aliases.close();
        }
        if (studies != null) {
          studies.close();
        }
      }
    }
  }

  /** The Armeria server, whose routes the OpenAPI document test compares with the document. */
  Server armeria() {
    return server;
  }

  /** Cheap: a map lookup; no version is drawn for a deployment that splits traffic. */
  private boolean isKnownModel(String model) {
    try {
      models.isModelReady(model, null);
      return true;
    } catch (ModelNotFoundException e) {
      return false;
    }
  }

  private boolean isReady() {
    return !draining && models.isServerReady();
  }

  private List<MeterBinder> jvmMetrics() {
    return List.of(
        new JvmMemoryMetrics(),
        gcMetrics,
        new JvmThreadMetrics(),
        new ClassLoaderMetrics(),
        new ProcessorMetrics(),
        new UptimeMetrics());
  }

  /**
   * Registry aliases name the version that serves: {@code /v2/models/m/versions/production}.
   * Each aliased request asks the registry's database (no cache, since the registry may be
   * shared with other processes that move aliases).
   */
  /** The release from the jar manifest, or "development" when run from classes. */
  public static String version() {
    String version = ServalServer.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  /** Validating builder of {@link ServalServer}. */
  public static final class Builder {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SHUTDOWN_QUIET_PERIOD = Duration.ofMillis(500);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private ModelService modelService;
    private PrometheusMeterRegistry meterRegistry;
    private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration shutdownQuietPeriod = DEFAULT_SHUTDOWN_QUIET_PERIOD;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private ModelRegistry registry;
    private RegistryService registryService;
    private Rollout rollout = Rollout.NONE;
    private AsyncService.Builder async;
    private ServerSecurity security;
    private TlsKeyPair tls;
    private Jobs jobs;
    private Observability.Builder observability = Observability.builder();

    private Builder() {}

    /** Optional. Serves the jobs API ({@code /api/v1/jobs}); the caller owns (and closes) it. */
    public Builder jobs(Jobs jobs) {
      this.jobs = Objects.requireNonNull(jobs, "jobs");
      return this;
    }

    /** The address to bind; {@value #DEFAULT_HOST} unless told otherwise. */
    public Builder host(String host) {
      this.host = ListenAddress.host(host);
      return this;
    }

    /** The port to bind; 0 picks a free one (see {@link ServalServer#port()}). */
    public Builder port(int port) {
      this.port = ListenAddress.port(port);
      return this;
    }

    /** Required. The server closes it on {@link ServalServer#close()}. */
    public Builder modelService(ModelService modelService) {
      this.modelService = Objects.requireNonNull(modelService, "modelService");
      return this;
    }

    /** Required. Served at {@code /metrics}; JVM and HTTP server metrics are added to it. */
    public Builder meterRegistry(PrometheusMeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * Optional. Serves the management API ({@code /api/v1/models}) over a registry and the
     * service that pushes to it, and the studies API ({@code /api/v1/studies}) over the
     * registry's database; the caller owns (and closes) both.
     */
    public Builder registry(ModelRegistry registry, RegistryService service) {
      this.registry = Objects.requireNonNull(registry, "registry");
      this.registryService = Objects.requireNonNull(service, "service");
      return this;
    }

    /**
     * How a deployment change made through the management API goes live on this node before it
     * is answered; by default it is only recorded.
     */
    public Builder rollout(Rollout rollout) {
      this.rollout = Objects.requireNonNull(rollout, "rollout");
      return this;
    }

    /**
     * Optional. Takes asynchronous infer requests and batches ({@code /v2/async}); the server
     * supplies the handler and failure renderer, builds the service, starts it with the server
     * and closes it before the models.
     */
    public Builder async(AsyncService.Builder async) {
      this.async = Objects.requireNonNull(async, "async");
      return this;
    }

    /**
     * Optional. API keys, rate and concurrency limits and the audit log; without it every
     * request is served and nothing is recorded.
     */
    public Builder security(ServerSecurity security) {
      this.security = Objects.requireNonNull(security, "security");
      return this;
    }

    /**
     * Serves HTTPS (and gRPC over TLS) instead of cleartext.
     *
     * @param certificate PEM certificate chain
     * @param privateKey its PEM (PKCS#8) private key
     * @throws IllegalArgumentException when the files are unreadable or do not belong together
     */
    public Builder tls(Path certificate, Path privateKey) {
      this.tls = TlsFiles.load(Objects.requireNonNull(certificate, "certificate"),
          Objects.requireNonNull(privateKey, "privateKey"));
      return this;
    }

    /**
     * Optional: an access log and trace export. The server adds its API metrics to the builder,
     * builds it, and closes what it holds on {@link ServalServer#close()}. Without it, requests
     * still get ids and metrics.
     */
    public Builder observability(Observability.Builder observability) {
      this.observability = Objects.requireNonNull(observability, "observability");
      return this;
    }

    /** Larger bodies are refused with 413 (pushes to the registry have the registry's limit). */
    public Builder maxRequestBytes(long maxRequestBytes) {
      if (maxRequestBytes <= 0 || maxRequestBytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "maxRequestBytes must be within 1.." + (Integer.MAX_VALUE - 8) + " but was "
                + maxRequestBytes);
      }
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /** How long a request may take in all; zero means no limit. */
    public Builder requestTimeout(Duration requestTimeout) {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "requestTimeout must not be negative but was " + requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Graceful shutdown: the server stops once no request has been in flight for
     * {@code quietPeriod}, or after {@code timeout} regardless.
     */
    public Builder gracefulShutdown(Duration quietPeriod, Duration timeout) {
      Objects.requireNonNull(quietPeriod, "quietPeriod");
      Objects.requireNonNull(timeout, "timeout");
      if (quietPeriod.isNegative() || quietPeriod.isZero()) {
        // Armeria cuts in-flight requests off when the quiet period is zero.
        throw new IllegalArgumentException(
            "quietPeriod must be positive but was " + quietPeriod);
      }
      if (timeout.compareTo(quietPeriod) < 0) {
        throw new IllegalArgumentException(
            "timeout must be at least quietPeriod " + quietPeriod + " but was " + timeout);
      }
      this.shutdownQuietPeriod = quietPeriod;
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * @throws IllegalStateException when the model service or meter registry is missing
     */
    public ServalServer build() {
      if (modelService == null) {
        throw new IllegalStateException("modelService must be set");
      }
      if (meterRegistry == null) {
        throw new IllegalStateException("meterRegistry must be set");
      }
      return new ServalServer(this);
    }
  }
}
