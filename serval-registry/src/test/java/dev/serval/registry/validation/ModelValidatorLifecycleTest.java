package dev.serval.registry.validation;

import static dev.serval.registry.validation.TestTensors.floats;
import static dev.serval.registry.validation.TestTensors.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.DataType;
import dev.serval.core.ModelLoadException;
import dev.serval.core.Shape;
import dev.serval.core.Signature;
import dev.serval.core.Tensor;
import dev.serval.core.TensorSpec;
import dev.serval.core.runtime.LoadedModel;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.core.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** How the validator treats the model's lifetime, with a backend whose behaviour the test sets. */
class ModelValidatorLifecycleTest {
  private static final Path ARTIFACT = Path.of("models", "m", "model.fake");

  private final CountDownLatch closed = new CountDownLatch(1);

  @Test
  void closesTheModelAfterAPassingValidation() {
    ValidationReport report = validator(inputs -> List.of(inputs.get(0).withName("y")))
        .validate(ARTIFACT, List.of());

    assertThat(report.passed()).isTrue();
    assertThat(closed.getCount()).isZero();
  }

  @Test
  void closesTheModelWhenAStepFails() {
    ValidationReport report = validator(inputs -> {
      throw new ModelLoadException("kernel failed");
    }).validate(ARTIFACT, List.of());

    assertThat(report.failureReason()).contains("smoke: kernel failed");
    assertThat(closed.getCount()).isZero();
  }

  @Test
  void failsAStepThatTakesLongerThanTheTimeoutAndClosesTheModelOnceTheCallReturns()
      throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    ModelValidator validator = ModelValidator.builder()
        .backend(new FakeBackend(inputs -> {
          awaitQuietly(release);
          return List.of(inputs.get(0).withName("y"));
        }))
        .stepTimeout(Duration.ofMillis(50))
        .build();

    ValidationReport report = validator.validate(ARTIFACT, List.of());

    assertThat(report.failureReason()).contains("smoke: did not finish within PT0.05S");
    assertThat(closed.getCount()).as("closed while the call still runs").isOne();
    release.countDown();
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void reportsAnUnexpectedBackendErrorAsAFailure() {
    ValidationReport report = validator(inputs -> {
      throw new IllegalStateException("bug in backend");
    }).validate(ARTIFACT, List.of());

    assertThat(report.failureReason())
        .contains("smoke: java.lang.IllegalStateException: bug in backend");
    assertThat(closed.getCount()).isZero();
  }

  @Test
  void passesTheCaseInputsInSignatureOrderUnderTheSignatureNames() {
    TestCase testCase = new TestCase("echo", Map.of("x", floats("renamed", shape(1, 2), 1, 2)),
        Map.of("y", floats("y", shape(1, 2), 1, 2)), 0, 0);

    ValidationReport report = validator(inputs -> List.of(inputs.get(0).withName(
        inputs.get(0).name().equals("x") ? "y" : "wrong"))).validate(ARTIFACT, List.of(testCase));

    assertThat(report.passed()).isTrue();
  }

  @Test
  void rejectsABuilderWithoutBackendsOrWithANonPositiveTimeout() {
    assertThatThrownBy(() -> ModelValidator.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("at least one backend is needed");
    assertThatThrownBy(() -> ModelValidator.builder().stepTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stepTimeout must be positive but was PT0S");
  }

  private ModelValidator validator(Function<List<Tensor>, List<Tensor>> run) {
    return ModelValidator.builder().backend(new FakeBackend(run)).build();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class FakeBackend implements ModelBackend {
    private final Function<List<Tensor>, List<Tensor>> run;

    FakeBackend(Function<List<Tensor>, List<Tensor>> run) {
      this.run = run;
    }

    @Override
    public String platform() {
      return "fake";
    }

    @Override
    public String artifactFileName() {
      return "model.fake";
    }

    @Override
    public LoadedModel load(Path artifact, RuntimeOptions options) {
      Signature signature = new Signature(
          List.of(new TensorSpec("x", DataType.FP32, Shape.ofSignature(-1, 2))),
          List.of(new TensorSpec("y", DataType.FP32, Shape.ofSignature(-1, 2))));
      return new LoadedModel() {
        @Override
        public Signature signature() {
          return signature;
        }

        @Override
        public List<Tensor> run(List<Tensor> inputs, Set<String> outputs) {
          return run.apply(inputs);
        }

        @Override
        public void close() {
          closed.countDown();
        }
      };
    }
  }
}
