package dev.serval.registry.validation;

import dev.serval.core.InvalidInputException;
import dev.serval.core.ServalException;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.core.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a model artifact before its version may serve: {@link ValidationStep#FORMAT format},
 * {@link ValidationStep#DEPENDENCIES dependencies}, {@link ValidationStep#SIGNATURE signature},
 * {@link ValidationStep#SMOKE smoke run} and {@link ValidationStep#TEST_CASES test cases}, in
 * that order; a failed step skips the rest. Thread-safe; each validation loads its own model and
 * always closes it. Build with {@link #builder()}.
 */
public final class ModelValidator {
  private static final Logger log = LoggerFactory.getLogger(ModelValidator.class);

  private final List<ModelBackend> backends;
  private final RuntimeOptions options;
  private final long seed;
  private final Optional<Duration> stepTimeout;

  private ModelValidator(Builder builder) {
    this.backends = List.copyOf(builder.backends);
    this.options = builder.options;
    this.seed = builder.seed;
    this.stepTimeout = Optional.ofNullable(builder.stepTimeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Validates an artifact whose file name chooses the backend, e.g. {@code model.onnx}. */
  public ValidationReport validate(Path artifact, List<TestCase> cases) {
    Objects.requireNonNull(artifact, "artifact");
    return validate(artifact, artifact.getFileName().toString(), cases);
  }

  /**
   * Validates an artifact stored under another name (such as its content hash); {@code fileName}
   * chooses the backend by name or extension. Failure reasons name the file by {@code fileName}
   * only, never by its folders.
   */
  public ValidationReport validate(Path artifact, String fileName, List<TestCase> cases) {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(fileName, "fileName");
    List<TestCase> checked = List.copyOf(cases);
    // One thread per validation runs all model calls in order, so that a model whose step timed
    // out is closed only once the abandoned call has returned.
    ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "serval-validation");
      thread.setDaemon(true);
      return thread;
    });
    Validation validation = new Validation(artifact, fileName, checked, worker);
    try {
      return validation.run();
    } finally {
      validation.closeModel();
      worker.shutdown();
    }
  }

  private Optional<ModelBackend> backendFor(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    return backends.stream().filter(b -> takes(b, name)).findFirst();
  }

  private static boolean takes(ModelBackend backend, String fileName) {
    String expected = backend.artifactFileName().toLowerCase(Locale.ROOT);
    int dot = expected.lastIndexOf('.');
    return fileName.equals(expected) || (dot >= 0 && fileName.endsWith(expected.substring(dot)));
  }

  /** A step's failure; its message is the reason, already fit for users. */
  private static final class StepFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepFailure(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The state of one validation as its steps run. */
  private final class Validation {
    private final Path artifact;
    private final String fileName;
    private final List<TestCase> cases;
    private final ExecutorService worker;
    private final List<StepResult> results = new ArrayList<>();
    private Future<LoadedModel> loading;
    private LoadedModel model;
    private String unsupported;
    private Signature signature;
    private boolean abandoned;

    Validation(Path artifact, String fileName, List<TestCase> cases, ExecutorService worker) {
      this.artifact = artifact;
      this.fileName = fileName;
      this.cases = cases;
      this.worker = worker;
    }

    ValidationReport run() {
      step(ValidationStep.FORMAT, this::load);
      step(ValidationStep.DEPENDENCIES, this::dependencies);
      step(ValidationStep.SIGNATURE, this::signature);
      step(ValidationStep.SMOKE, this::smoke);
      step(ValidationStep.TEST_CASES, this::testCases);
      return new ValidationReport(results, Optional.ofNullable(signature));
    }

    /** Runs a step whose body returns a note, unless an earlier step failed. */
    private void step(ValidationStep step, Callable<String> body) {
      if (results.stream().anyMatch(r -> !r.passed())) {
        results.add(new StepResult(step, StepResult.Status.SKIPPED, "an earlier step failed", 0));
        return;
      }
      long start = System.nanoTime();
      StepResult.Status status = StepResult.Status.FAILED;
      String reason;
      try {
        reason = body.call();
        status = StepResult.Status.PASSED;
      } catch (StepFailure | ServalException e) {
        reason = e.getMessage();
      } catch (Exception e) {
        // A backend bug rather than a bad model; still a failed version, but worth a trace.
        log.warn("validation step {} of {} failed unexpectedly", step.id(), fileName, e);
        reason = e.toString();
      }
      results.add(new StepResult(step, status, LoadFailures.clean(reason, artifact, fileName),
          System.nanoTime() - start));
    }

    private String load() {
      ModelBackend backend = backendFor(fileName).orElseThrow(() -> new StepFailure(
          "no runtime takes '" + fileName + "'; supported: " + backends.stream()
              .map(b -> b.artifactFileName() + " (" + b.platform() + ")")
              .collect(Collectors.joining(", "))));
      loading = worker.submit(() -> backend.load(artifact, options));
      try {
        model = await(loading);
      } catch (ServalException e) {
        unsupported =
            LoadFailures.dependency(e.getMessage(), backend.platform()).orElseThrow(() -> e);
      }
      return "parsed by " + backend.platform();
    }

    private String dependencies() {
      if (unsupported != null) {
        throw new StepFailure(unsupported);
      }
      return "";
    }

    private String signature() {
      signature = model.signature();
      if (signature.outputs().isEmpty()) {
        throw new StepFailure("the model declares no outputs");
      }
      return "inputs: " + signature.inputs().size() + ", outputs: " + signature.outputs().size();
    }

    private String smoke() {
      List<Tensor> inputs = SmokeRun.inputs(signature, seed);
      List<Tensor> outputs = await(worker.submit(() -> model.run(inputs, Set.of())));
      List<String> problems =
          outputs.stream().map(SmokeRun::nonFinite).flatMap(Optional::stream).toList();
      if (!problems.isEmpty()) {
        throw new StepFailure(String.join("; ", problems));
      }
      return "";
    }

    private String testCases() {
      if (cases.isEmpty()) {
        return "no test cases";
      }
      List<String> failures = new ArrayList<>();
      for (TestCase testCase : cases) {
        failure(testCase).ifPresent(r -> failures.add("case '" + testCase.name() + "': " + r));
      }
      if (!failures.isEmpty()) {
        throw new StepFailure(failures.size() + " of " + cases.size() + " test cases failed: "
            + String.join("; ", failures));
      }
      return cases.size() + " test cases passed";
    }

    private Optional<String> failure(TestCase testCase) {
      List<Tensor> inputs;
      try {
        inputs = inputs(testCase);
        requireKnown("output", testCase.expected().keySet(), signature.outputs());
      } catch (InvalidInputException e) {
        return Optional.of(e.getMessage());
      }
      Map<String, Tensor> actual;
      try {
        actual = await(worker.submit(() -> model.run(inputs, testCase.expected().keySet())))
            .stream().collect(Collectors.toMap(Tensor::name, Function.identity()));
      } catch (ServalException e) {
        return Optional.of("the model failed on the inputs: " + e.getMessage());
      }
      List<String> mismatches = new ArrayList<>();
      for (TensorSpec output : signature.outputs()) {
        Tensor expected = testCase.expected().get(output.name());
        if (expected != null) {
          TensorComparison.mismatch(expected, actual.get(output.name()),
                  testCase.absTolerance(), testCase.relTolerance())
              .ifPresent(m -> mismatches.add("output '" + output.name() + "' " + m));
        }
      }
      return mismatches.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", mismatches));
    }

    /** The case's inputs in signature order, checked against the signature. */
    private List<Tensor> inputs(TestCase testCase) {
      requireKnown("input", testCase.inputs().keySet(), signature.inputs());
      List<Tensor> inputs = new ArrayList<>();
      for (TensorSpec spec : signature.inputs()) {
        Tensor input = testCase.inputs().get(spec.name());
        if (input == null) {
          throw new InvalidInputException("missing input '" + spec.name() + "'");
        }
        if (input.datatype() != spec.datatype() || !spec.shape().accepts(input.shape())) {
          throw new InvalidInputException("input '" + spec.name() + "' is " + input.datatype()
              + " " + input.shape() + " but the model takes " + spec.datatype() + " "
              + spec.shape());
        }
        inputs.add(input.withName(spec.name()));
      }
      return inputs;
    }

    private void requireKnown(String role, Set<String> names, List<TensorSpec> specs) {
      Set<String> unknown = new HashSet<>(names);
      specs.forEach(spec -> unknown.remove(spec.name()));
      if (!unknown.isEmpty()) {
        throw new InvalidInputException("the model has no " + role + " " + unknown.stream()
            .sorted().map(n -> "'" + n + "'").collect(Collectors.joining(", ")) + "; it has "
            + specs.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ")));
      }
    }

    /** Waits for a model call, at most the step timeout; rethrows its failure unwrapped. */
    private <T> T await(Future<T> call) {
      try {
        return stepTimeout.isPresent()
            ? call.get(stepTimeout.get().toNanos(), TimeUnit.NANOSECONDS)
            : call.get();
      } catch (TimeoutException e) {
        abandoned = true;
        throw new StepFailure("did not finish within " + stepTimeout.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abandoned = true;
        throw new StepFailure("interrupted");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException) {
          throw (RuntimeException) e.getCause();
        }
        throw new IllegalStateException(e.getCause());
      }
    }

    /**
     * Closes the model on the worker, after any call still running there; waits for that unless
     * a call was abandoned, which may never return.
     */
    void closeModel() {
      if (loading == null) {
        return;
      }
      Future<?> closing = worker.submit(() -> {
        try {
          loading.get().close();
        } catch (ExecutionException e) {
          // nothing was loaded, so nothing to close
        }
        return null;
      });
      if (abandoned) {
        return;
      }
      try {
        await(closing);
      } catch (RuntimeException e) {
        log.warn("closing {} after validation failed", fileName, e);
      }
    }
  }

  /** Validating builder for {@link ModelValidator}. */
  public static final class Builder {
    private final List<ModelBackend> backends = new ArrayList<>();
    private RuntimeOptions options =
        RuntimeOptions.builder().intraOpThreads(1).interOpThreads(1).prepackWeights(false).build();
    private long seed;
    private Duration stepTimeout;

    private Builder() {}

    /** Adds a runtime; the first whose artifact name or extension fits the file is used. */
    public Builder backend(ModelBackend backend) {
      backends.add(Objects.requireNonNull(backend, "backend"));
      return this;
    }

    /** Runtime settings for loading models; defaults to one thread and no prepacked weights. */
    public Builder runtimeOptions(RuntimeOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Seed for the smoke run's generated inputs; defaults to 0. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Longest a single load or run may take; defaults to no limit. */
    public Builder stepTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("stepTimeout must be positive but was " + timeout);
      }
      this.stepTimeout = timeout;
      return this;
    }

    /**
     * @throws IllegalStateException when no backend was added
     */
    public ModelValidator build() {
      if (backends.isEmpty()) {
        throw new IllegalStateException("at least one backend is needed");
      }
      return new ModelValidator(this);
    }
  }
}
