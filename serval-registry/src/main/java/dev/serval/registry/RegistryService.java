package dev.serval.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.core.DeadlineExceededException;
import dev.serval.core.InvalidInputException;
import dev.serval.core.PayloadTooLargeException;
import dev.serval.core.Signature;
import dev.serval.core.TensorSpec;
import dev.serval.registry.internal.Names;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.registry.validation.TestCase;
import dev.serval.registry.validation.TestCases;
import dev.serval.registry.validation.ValidationReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes versions and validates them in the background: PENDING → VALIDATING → READY (with its
 * signature) or FAILED (with the reason). A version never stays VALIDATING because validation
 * threw; one left unfinished by a crash is validated again by {@link #recover()}. Once this
 * service marks a version READY it tells the {@link Builder#onReady} listener. Thread-safe.
 */
public final class RegistryService {
  private static final Logger log = LoggerFactory.getLogger(RegistryService.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final long POLL_MILLIS = 50;

  private final ModelRegistry registry;
  private final ModelValidator validator;
  private final Executor executor;
  private final String artifactFileName;
  private final int maxTestCaseBytes;
  private final Consumer<VersionRecord> onReady;
  private final Map<VersionKey, CompletableFuture<VersionRecord>> running =
      new ConcurrentHashMap<>();

  private RegistryService(Builder b) {
    this.registry = b.registry;
    this.validator = b.validator;
    this.executor = b.executor;
    this.artifactFileName = b.artifactFileName;
    this.maxTestCaseBytes = b.maxTestCaseBytes;
    this.onReady = b.onReady;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Stores a new PENDING version, registering the model on its first push, and schedules its
   * validation. The test cases are read and checked before anything is stored.
   *
   * @param testCases test case JSON in the {@link TestCases} format; not closed
   * @return the version as stored, before validation (see {@link #awaitValidation})
   * @throws InvalidInputException when the test cases are not valid; nothing is stored then
   * @throws PayloadTooLargeException when the artifact or the test cases exceed their limits
   */
  public VersionRecord push(
      String model, InputStream artifact, VersionMetadata metadata, Optional<InputStream> testCases) {
    Names.checkName("model name", model);
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(testCases, "testCases");
    Optional<byte[]> cases = testCases.map(this::readTestCases);
    VersionRecord pushed = registry.pushVersion(
        model, artifact, metadata, cases.map(ByteArrayInputStream::new), true);
    schedule(pushed);
    return pushed;
  }

  /**
   * Schedules validation of every version left PENDING or VALIDATING, as by a crash; call at
   * start-up.
   *
   * @return the versions scheduled
   */
  public List<VersionRecord> recover() {
    List<VersionRecord> scheduled = new ArrayList<>();
    for (VersionRecord unfinished : registry.unfinishedVersions()) {
      if (!running.containsKey(VersionKey.of(unfinished))) {
        log.info("validating version {} of '{}' left {}", unfinished.version(), unfinished.model(),
            unfinished.state());
        schedule(unfinished);
        scheduled.add(unfinished);
      }
    }
    return scheduled;
  }

  /**
   * Waits until the version is READY or FAILED.
   *
   * @throws DeadlineExceededException when it is not within {@code timeout}
   */
  public VersionRecord awaitValidation(String model, int version, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<VersionRecord> local = running.get(new VersionKey(model, version));
    if (local != null) {
      awaitLocal(local, timeout);
    }
    // Validated elsewhere (another node, or before a restart): watch the database.
    while (true) {
      VersionRecord current = registry.getVersion(model, version);
      if (isFinal(current.state())) {
        return current;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new DeadlineExceededException("version " + version + " of model '" + model
            + "' is still " + current.state() + " after " + timeout);
      }
      sleep();
    }
  }

  private static void awaitLocal(CompletableFuture<VersionRecord> local, Duration timeout) {
    try {
      local.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // The database read that follows reports the state or the timeout.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadlineExceededException("interrupted while waiting for validation", e);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadlineExceededException("interrupted while waiting for validation", e);
    }
  }

  private byte[] readTestCases(InputStream in) {
    byte[] json;
    try {
      json = in.readNBytes(maxTestCaseBytes + 1);
    } catch (IOException e) {
      throw new InvalidInputException("test cases upload failed: " + e.getMessage(), e);
    }
    if (json.length > maxTestCaseBytes) {
      throw new PayloadTooLargeException(
          "test cases exceed the limit of " + maxTestCaseBytes + " bytes");
    }
    TestCases.parse(new ByteArrayInputStream(json));
    return json;
  }

  private void schedule(VersionRecord version) {
    VersionKey key = VersionKey.of(version);
    CompletableFuture<VersionRecord> done = new CompletableFuture<>();
    running.put(key, done);
    try {
      executor.execute(() -> {
        try {
          done.complete(validate(version));
        } catch (RuntimeException e) {
          // Even marking it FAILED failed (the database is down): recover() retries it.
          log.error("cannot record the validation of version {} of '{}'", version.version(),
              version.model(), e);
          done.completeExceptionally(e);
        } finally {
          running.remove(key, done);
        }
      });
    } catch (RejectedExecutionException e) {
      running.remove(key, done);
      log.warn("cannot schedule validation of version {} of '{}'; recover() retries it",
          version.version(), version.model(), e);
    }
  }

  private VersionRecord validate(VersionRecord version) {
    String model = version.model();
    int number = version.version();
    try {
      if (version.state() == VersionState.PENDING) {
        registry.setState(model, number, VersionState.VALIDATING, "");
      }
      ValidationReport report = validator.validate(
          registry.artifacts().path(version.sha256()), artifactFileName, testCases(version));
      if (!report.passed()) {
        return registry.setState(
            model, number, VersionState.FAILED, reason(report.failureReason().orElseThrow()));
      }
      registry.setSignature(model, number, signatureJson(report.signature().orElseThrow()));
      return notifyReady(registry.setState(model, number, VersionState.READY, ""));
    } catch (ConflictException e) {
      // Another validator (another node's recovery) moved it first; its result stands.
      log.info("version {} of '{}' was validated elsewhere: {}", number, model, e.getMessage());
      return registry.getVersion(model, number);
    } catch (RuntimeException e) {
      log.warn("validating version {} of '{}' failed unexpectedly", number, model, e);
      return fail(model, number, "validation error: " + e);
    }
  }

  /** The version is READY whatever the listener does: its failure is the listener's to handle. */
  private VersionRecord notifyReady(VersionRecord ready) {
    try {
      onReady.accept(ready);
    } catch (RuntimeException e) {
      log.error("the ready listener failed for version {} of '{}'; the version stays READY",
          ready.version(), ready.model(), e);
    }
    return ready;
  }

  private List<TestCase> testCases(VersionRecord version) {
    if (version.testCasesSha256() == null) {
      return List.of();
    }
    try (InputStream in = registry.artifacts().open(version.testCasesSha256())) {
      return TestCases.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stored test cases", e);
    }
  }

  /** Marks FAILED from wherever validation stopped, so that nothing stays VALIDATING. */
  private VersionRecord fail(String model, int version, String reason) {
    VersionRecord current = registry.getVersion(model, version);
    if (current.state() == VersionState.PENDING) {
      registry.setState(model, version, VersionState.VALIDATING, "");
    } else if (isFinal(current.state())) {
      return current;
    }
    return registry.setState(model, version, VersionState.FAILED, reason(reason));
  }

  /** Fits a reason to what the registry stores: no control characters but newline and tab. */
  private static String reason(String text) {
    String clean = text.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", " ");
    return clean.length() <= Names.MAX_TEXT ? clean : clean.substring(0, Names.MAX_TEXT - 3) + "...";
  }

  private static boolean isFinal(VersionState state) {
    return state == VersionState.READY || state == VersionState.FAILED;
  }

  /** The signature in the shape of Open Inference Protocol model metadata. */
  static String signatureJson(Signature signature) {
    try {
      return JSON.writeValueAsString(new SignatureJson(
          signature.inputs().stream().map(TensorJson::of).toList(),
          signature.outputs().stream().map(TensorJson::of).toList()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a signature always serialises", e);
    }
  }

  private record SignatureJson(List<TensorJson> inputs, List<TensorJson> outputs) {}

  private record TensorJson(String name, String datatype, long[] shape) {
    static TensorJson of(TensorSpec spec) {
      return new TensorJson(spec.name(), spec.datatype().name(), spec.shape().dims());
    }
  }

  private record VersionKey(String model, int version) {
    static VersionKey of(VersionRecord v) {
      return new VersionKey(v.model(), v.version());
    }
  }

  /** Validating builder for {@link RegistryService}. */
  public static final class Builder {
    private ModelRegistry registry;
    private ModelValidator validator;
    private Executor executor;
    private String artifactFileName = "model.onnx";
    private int maxTestCaseBytes = 64 << 20;
    private Consumer<VersionRecord> onReady = ready -> {};

    private Builder() {}

    public Builder registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder validator(ModelValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /** Runs validations; the caller owns (and shuts down) it. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** File name that chooses the validating runtime, by name or extension; default model.onnx. */
    public Builder artifactFileName(String name) {
      this.artifactFileName = Names.checkName("artifactFileName", name);
      return this;
    }

    /** Test case files are held in memory to be checked before storing; default 64 MiB. */
    public Builder maxTestCaseBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxTestCaseBytes must be > 0: " + bytes);
      }
      this.maxTestCaseBytes = bytes;
      return this;
    }

    /**
     * Called on the validation thread right after a version is marked READY, before
     * {@link #awaitValidation} returns it, so a waiting pusher sees what the listener did. Its
     * exceptions are logged and leave the version READY. Default: none.
     */
    public Builder onReady(Consumer<VersionRecord> listener) {
      this.onReady = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** @throws IllegalStateException when registry, validator or executor is missing */
    public RegistryService build() {
      if (registry == null || validator == null || executor == null) {
        throw new IllegalStateException("registry, validator and executor are required");
      }
      return new RegistryService(this);
    }
  }
}
