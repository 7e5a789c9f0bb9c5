package dev.serval.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.DataType;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.runtime.onnx.SampleModels;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryServiceTest {
  private static final ModelValidator VALIDATOR =
      ModelValidator.builder().backend(new OnnxBackend()).seed(7).build();
  private static final byte[] MLP = SampleModels.mlp(4, new int[] {8}, 3, 1);
  private static final byte[] IDENTITY = SampleModels.identity(DataType.FP32, 1, 2);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ModelRegistry registry;
  private final List<Runnable> queued = new ArrayList<>();

  @BeforeEach
  void openRegistry() {
    registry = ModelRegistry.builder().dataDir(dir).build();
  }

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  @Test
  void registersTheModelOnFirstPushAndMakesAWorkingModelReadyWithItsSignature() throws Exception {
    RegistryService service = direct();

    VersionRecord pushed = service.push("mlp", stream(MLP), VersionMetadata.EMPTY, Optional.empty());

    assertThat(pushed.state()).isEqualTo(VersionState.PENDING);
    VersionRecord ready = registry.getVersion("mlp", pushed.version());
    assertThat(ready.state()).isEqualTo(VersionState.READY);
    JsonNode signature = new ObjectMapper().readTree(ready.signatureJson());
    assertThat(signature.toString()).isEqualTo(
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,4]}],"
            + "\"outputs\":[{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[-1,3]},"
            + "{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,3]}]}");
  }

  @Test
  void failsRandomBytesWithAReasonAndLeavesThePreviousReadyVersionAlone() {
    RegistryService service = direct();
    VersionRecord good = service.push("m", stream(MLP), VersionMetadata.EMPTY, Optional.empty());
    registry.setAlias("m", "production", good.version());
    byte[] noise = new byte[512];
    new Random(3).nextBytes(noise);

    VersionRecord bad = service.push("m", stream(noise), VersionMetadata.EMPTY, Optional.empty());

    VersionRecord failed = registry.getVersion("m", bad.version());
    assertThat(failed.state()).isEqualTo(VersionState.FAILED);
    assertThat(failed.reason()).startsWith("format: ");
    assertThat(failed.signatureJson()).isNull();
    assertThat(registry.resolve("m", "production").version()).isEqualTo(good.version());
    assertThat(registry.getVersion("m", good.version()).state()).isEqualTo(VersionState.READY);
  }

  @Test
  void makesAVersionReadyWhenItsTestCasesPass() {
    VersionRecord pushed = direct().push("id", stream(IDENTITY), VersionMetadata.EMPTY,
        Optional.of(testCases(1.5, 2)));

    VersionRecord ready = registry.getVersion("id", pushed.version());
    assertThat(ready.state()).isEqualTo(VersionState.READY);
    assertThat(ready.testCasesSha256()).isNotNull();
    assertThat(registry.artifacts().exists(ready.testCasesSha256())).isTrue();
  }

  @Test
  void failsAVersionWhoseTestCasesDoNotPass() {
    VersionRecord pushed = direct().push("id", stream(IDENTITY), VersionMetadata.EMPTY,
        Optional.of(testCases(1.5, 99)));

    VersionRecord failed = registry.getVersion("id", pushed.version());
    assertThat(failed.state()).isEqualTo(VersionState.FAILED);
    assertThat(failed.reason()).startsWith("test-cases: 1 of 1 test cases failed: case 'c'");
  }

  @Test
  void rejectsABadTestCaseFileBeforeStoringAnything() {
    RegistryService service = direct();

    assertThatThrownBy(() -> service.push("id", stream(IDENTITY), VersionMetadata.EMPTY,
            Optional.of(stream("{\"cases\": [".getBytes(StandardCharsets.UTF_8)))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("test cases: ");

    assertThatThrownBy(() -> registry.getModel("id")).isInstanceOf(ModelNotFoundException.class);
    assertThat(registry.artifacts().storedBefore(Instant.MAX)).isEmpty();
  }

  @Test
  void recoverValidatesVersionsLeftPendingOrValidating() {
    registry.createModel("m", "");
    VersionRecord pending = registry.pushVersion("m", stream(MLP), VersionMetadata.EMPTY);
    VersionRecord validating = registry.pushVersion("m", stream(IDENTITY), VersionMetadata.EMPTY);
    registry.setState("m", validating.version(), VersionState.VALIDATING, "");
    RegistryService service = queued();

    List<VersionRecord> scheduled = service.recover();
    queued.forEach(Runnable::run);

    assertThat(scheduled).extracting(VersionRecord::version)
        .containsExactly(pending.version(), validating.version());
    assertThat(registry.unfinishedVersions()).isEmpty();
    assertThat(registry.getVersion("m", pending.version()).state()).isEqualTo(VersionState.READY);
    assertThat(registry.getVersion("m", validating.version()).state())
        .isEqualTo(VersionState.READY);
  }

  @Test
  void failsAVersionWhoseValidationThrowsInsteadOfLeavingItValidating() {
    RegistryService service = queued();
    VersionRecord pushed = service.push("id", stream(IDENTITY), VersionMetadata.EMPTY,
        Optional.of(testCases(1, 2)));
    // Not something a user can cause: the stored test cases vanish before validation runs.
    registry.artifacts().delete(pushed.testCasesSha256());

    queued.forEach(Runnable::run);

    VersionRecord failed = service.awaitValidation("id", pushed.version(), WAIT);
    assertThat(failed.state()).isEqualTo(VersionState.FAILED);
    assertThat(failed.reason()).startsWith("validation error: ")
        .contains(pushed.testCasesSha256());
  }

  @Test
  void validatesConcurrentPushesIndependently() throws Exception {
    ExecutorService validation = Executors.newFixedThreadPool(2);
    ExecutorService pushers = Executors.newFixedThreadPool(4);
    try {
      RegistryService service = RegistryService.builder()
          .registry(registry).validator(VALIDATOR).executor(validation).build();
      byte[] noise = "not a model".getBytes(StandardCharsets.UTF_8);
      List<Callable<VersionRecord>> pushes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        boolean good = i % 2 == 0;
        String name = i < 4 ? "a" : "b";
        pushes.add(() -> service.push(name, stream(good ? MLP : noise),
            VersionMetadata.EMPTY.withDescription(good ? "good" : "bad"), Optional.empty()));
      }

      List<VersionRecord> done = new ArrayList<>();
      for (Future<VersionRecord> push : pushers.invokeAll(pushes)) {
        VersionRecord pushed = push.get();
        done.add(service.awaitValidation(pushed.model(), pushed.version(), WAIT));
      }

      assertThat(done).hasSize(8).allSatisfy(v -> assertThat(v.state()).isEqualTo(
          v.description().equals("good") ? VersionState.READY : VersionState.FAILED));
      assertThat(done).extracting(VersionRecord::model).containsOnly("a", "b");
    } finally {
      pushers.shutdownNow();
      validation.shutdownNow();
    }
  }

  @Test
  void awaitValidationGivesUpWhenTheVersionIsNotValidatedInTime() {
    RegistryService service = queued();
    VersionRecord pushed = service.push("m", stream(MLP), VersionMetadata.EMPTY, Optional.empty());

    assertThatThrownBy(() -> service.awaitValidation("m", pushed.version(), Duration.ZERO))
        .isInstanceOf(dev.serval.core.DeadlineExceededException.class)
        .hasMessageContaining("is still PENDING");
  }

  @Test
  void tellsTheReadyListenerAboutReadyVersionsOnly() {
    List<VersionRecord> told = new ArrayList<>();
    RegistryService service = direct(told::add);
    VersionRecord good = service.push("m", stream(MLP), VersionMetadata.EMPTY, Optional.empty());
    service.push("m", stream(new byte[] {1, 2, 3}), VersionMetadata.EMPTY, Optional.empty());

    assertThat(told).singleElement().satisfies(ready -> {
      assertThat(ready.version()).isEqualTo(good.version());
      assertThat(ready.state()).isEqualTo(VersionState.READY);
    });
  }

  @Test
  void keepsAVersionReadyWhenTheReadyListenerThrows() {
    RegistryService service = direct(ready -> {
      throw new IllegalStateException("serving is down");
    });

    VersionRecord pushed = service.push("m", stream(MLP), VersionMetadata.EMPTY, Optional.empty());

    assertThat(service.awaitValidation("m", pushed.version(), WAIT).state())
        .isEqualTo(VersionState.READY);
  }

  @Test
  void deletingAVersionDeletesItsTestCases() {
    VersionRecord pushed = direct().push("id", stream(IDENTITY), VersionMetadata.EMPTY,
        Optional.of(testCases(1, 2)));

    registry.deleteVersion("id", pushed.version());

    assertThat(registry.artifacts().exists(pushed.testCasesSha256())).isFalse();
    assertThat(registry.artifacts().exists(pushed.sha256())).isFalse();
  }

  private RegistryService direct() {
    return direct(ready -> {});
  }

  private RegistryService direct(Consumer<VersionRecord> onReady) {
    return RegistryService.builder()
        .registry(registry).validator(VALIDATOR).executor(Runnable::run).onReady(onReady).build();
  }

  /** Validations wait in {@link #queued} until the test runs them. */
  private RegistryService queued() {
    return RegistryService.builder()
        .registry(registry).validator(VALIDATOR).executor(queued::add).build();
  }

  /** One case for the identity model: x = [a, b] must give y = [a, expectedB]. */
  private static InputStream testCases(double a, double expectedB) {
    String json = "{\"cases\": [{\"name\": \"c\","
        + " \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 2],"
        + " \"data\": [" + a + ", 2]}],"
        + " \"outputs\": [{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [1, 2],"
        + " \"data\": [" + a + ", " + expectedB + "]}]}]}";
    return stream(json.getBytes(StandardCharsets.UTF_8));
  }

  private static InputStream stream(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }
}
