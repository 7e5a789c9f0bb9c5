package dev.serval.registry.validation;

import static dev.serval.registry.validation.TestTensors.floats;
import static dev.serval.registry.validation.TestTensors.shape;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.core.DataType;
import dev.serval.core.TensorSpec;
import dev.serval.registry.validation.StepResult.Status;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelValidatorTest {
  private static final ModelValidator VALIDATOR =
      ModelValidator.builder().backend(new OnnxBackend()).seed(7).build();

  @TempDir Path folder;

  @Test
  void passesEveryStepAndStoresTheSignatureForAWorkingModel() {
    ValidationReport report = validate(SampleModels.mlp(4, new int[] {8}, 3, 1), List.of());

    assertThat(report.passed()).isTrue();
    assertThat(report.failureReason()).isEmpty();
    assertThat(report.steps()).extracting(StepResult::step)
        .containsExactly(ValidationStep.values());
    assertThat(report.steps()).extracting(StepResult::status).containsOnly(Status.PASSED);
    assertThat(report.signature().orElseThrow().inputs()).extracting(TensorSpec::name)
        .containsExactly("input");
    assertThat(report.signature().orElseThrow().outputs()).extracting(TensorSpec::name)
        .containsExactly("logits", "probabilities");
  }

  @Test
  void failsFormatForRandomBytesWithoutNamingTheFolder() throws IOException {
    byte[] noise = new byte[512];
    new Random(3).nextBytes(noise);

    ValidationReport report = validate(noise, List.of());

    assertFailedAt(report, ValidationStep.FORMAT);
    assertThat(report.signature()).isEmpty();
    assertThat(report.failureReason().orElseThrow())
        .startsWith("format: ")
        .contains("model.onnx")
        .doesNotContain(folder.toString())
        .doesNotContain(folder.toRealPath().toString());
  }

  @Test
  void failsFormatForAFileNoRuntimeTakes() throws IOException {
    Path file = Files.write(folder.resolve("model.pt"), new byte[] {1, 2, 3});

    ValidationReport report = VALIDATOR.validate(file, List.of());

    assertFailedAt(report, ValidationStep.FORMAT);
    assertThat(report.failedStep().orElseThrow().reason())
        .isEqualTo("no runtime takes 'model.pt'; supported: model.onnx (onnxruntime_onnx)");
  }

  @Test
  void choosesTheBackendByTheGivenFileNameForAnArtifactStoredUnderItsHash() {
    Path stored = folder.resolve("3f9a0c");
    SampleModels.write(SampleModels.identity(DataType.FP32, -1), stored);

    assertThat(VALIDATOR.validate(stored, "model.onnx", List.of()).passed()).isTrue();
  }

  @Test
  void failsDependenciesForAnOperatorTheRuntimeDoesNotHave() {
    ValidationReport report = validate(TestGraphs.unary("Foo", "", 17), List.of());

    assertFailedAt(report, ValidationStep.DEPENDENCIES);
    assertThat(report.failureReason()).contains(
        "dependencies: operator 'Foo' (domain '', opset 17) is not supported by onnxruntime_onnx");
  }

  @Test
  void failsDependenciesForAnOperatorOfAnUnknownDomain() {
    ValidationReport report = validate(TestGraphs.unary("Foo", "com.example", 17), List.of());

    assertFailedAt(report, ValidationStep.DEPENDENCIES);
    assertThat(report.failedStep().orElseThrow().reason())
        .isEqualTo("operator 'Foo' (domain 'com.example') is not supported by onnxruntime_onnx");
  }

  @Test
  void failsDependenciesForAnOpsetTheRuntimeDoesNotSupport() {
    ValidationReport report = validate(TestGraphs.unary("Relu", "", 99), List.of());

    assertFailedAt(report, ValidationStep.DEPENDENCIES);
    assertThat(report.failedStep().orElseThrow().reason())
        .startsWith("opset 99 of domain 'ai.onnx' is not supported by onnxruntime_onnx, which "
            + "supports up to opset ");
  }

  @Test
  void failsTheSmokeRunNamingTheOutputThatIsNotFinite() {
    ValidationReport report = validate(TestGraphs.nanOutput(), List.of());

    assertFailedAt(report, ValidationStep.SMOKE);
    assertThat(report.signature()).isPresent();
    assertThat(report.failedStep().orElseThrow().reason())
        .isEqualTo("output 'bad' has 2 non-finite of 2 values, first NaN at [0, 0]");
  }

  @Test
  void passesTestCasesWithinTolerance() {
    TestCase close = sumCase("close", 1e-5, 0, 1.5f, 2.500001f, 3.5f);

    ValidationReport report = validate(SampleModels.add(DataType.FP32, -1, 3), List.of(close));

    assertThat(report.passed()).isTrue();
    assertThat(report.steps().get(4).reason()).isEqualTo("1 test cases passed");
  }

  @Test
  void failsTestCasesOutsideToleranceDescribingTheMismatch() {
    TestCase close = sumCase("close", 1e-3, 0, 1.5f, 2.5f, 3.5f);
    TestCase off = sumCase("off", 1e-3, 0, 1.5f, 2.6f, 3.5f);

    ValidationReport report = validate(SampleModels.add(DataType.FP32, -1, 3), List.of(close, off));

    assertFailedAt(report, ValidationStep.TEST_CASES);
    assertThat(report.failedStep().orElseThrow().reason()).isEqualTo(
        "1 of 2 test cases failed: case 'off': output 'sum' 1 of 3 elements differ beyond "
            + "tolerance (abs 0.001, rel 0.0): at [0, 1] expected 2.6 but got 2.5");
  }

  @Test
  void failsATestCaseWhoseInputDoesNotFitTheSignature() {
    TestCase wrongShape = new TestCase("wide",
        Map.of("a", floats("a", shape(1, 4), 1, 2, 3, 4), "b", floats("b", shape(1, 3), 1, 2, 3)),
        Map.of("sum", floats("sum", shape(1, 3), 2, 4, 6)), 0, 0);

    ValidationReport report =
        validate(SampleModels.add(DataType.FP32, -1, 3), List.of(wrongShape));

    assertThat(report.failureReason()).contains("test-cases: 1 of 1 test cases failed: case "
        + "'wide': input 'a' is FP32 [1, 4] but the model takes FP32 [-1, 3]");
  }

  @Test
  void failsATestCaseThatNamesAnOutputTheModelDoesNotHave() {
    TestCase unknown = new TestCase("unknown", Map.of("x", floats("x", shape(1), 1)),
        Map.of("z", floats("z", shape(1), 1)), 0, 0);

    ValidationReport report = validate(SampleModels.identity(DataType.FP32, -1), List.of(unknown));

    assertThat(report.failedStep().orElseThrow().reason())
        .endsWith("case 'unknown': the model has no output 'z'; it has 'y'");
  }

  @Test
  void runsTestCasesReadFromAFilePushedWithTheModel() throws IOException {
    Path cases = Files.writeString(folder.resolve("cases.json"), """
        {"cases": [{"name": "words",
          "inputs":  [{"name": "x", "datatype": "BYTES", "shape": [2], "data": ["a", "bc"]}],
          "outputs": [{"name": "y", "datatype": "BYTES", "shape": [2], "data": ["a", "bd"]}]}]}
        """, StandardCharsets.UTF_8);

    ValidationReport report =
        validate(SampleModels.identity(DataType.BYTES, -1), TestCases.read(cases));

    assertThat(report.failedStep().orElseThrow().reason()).isEqualTo("1 of 1 test cases failed: "
        + "case 'words': output 'y' 1 of 2 elements differ: at [1] expected \"bd\" but got \"bc\"");
  }

  private TestCase sumCase(String name, double abs, double rel, float... expected) {
    return new TestCase(name,
        Map.of("a", floats("a", shape(1, 3), 1, 2, 3),
            "b", floats("b", shape(1, 3), .5f, .5f, .5f)),
        Map.of("sum", floats("sum", shape(1, 3), expected)), abs, rel);
  }

  private ValidationReport validate(byte[] model, List<TestCase> cases) {
    Path file = folder.resolve("model.onnx");
    SampleModels.write(model, file);
    return VALIDATOR.validate(file, cases);
  }

  private static void assertFailedAt(ValidationReport report, ValidationStep failed) {
    assertThat(report.passed()).isFalse();
    for (StepResult step : report.steps()) {
      Status expected = step.step().compareTo(failed) < 0 ? Status.PASSED
          : step.step() == failed ? Status.FAILED : Status.SKIPPED;
      assertThat(step.status()).as(step.step().id()).isEqualTo(expected);
    }
  }
}
