package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Built-in trainer jobs and distillation end to end: a real server whose embedded worker runs
 * {@code serval train} as a child JVM, then a student distilled from the trained teacher through
 * the server's inference API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainerJobsTest extends JobServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code COMMAND [SUBCOMMAND] --server=URL ARGS...}. */
  private int run(List<String> command, String... args) {
    List<String> full = new ArrayList<>(command);
    full.add("--server=" + url());
    full.addAll(Arrays.asList(args));
    return cli(full);
  }

  private JsonNode version(String model, int version) {
    return new ServalClient(url(), null).get("/api/v1/models/" + model + "/versions/" + version);
  }

  @Test
  @Order(1)
  void trainerJobTrainsInAChildJvmReportsEpochsAndPushesTheModel() throws IOException {
    int code = run(List.of("jobs", "submit"), "--name", "digits", "--trainer", "mlp",
        "--data", "digits", "--param", "hidden=64", "--param", "epochs=8",
        "--output-model", "digits-mlp", "--wait");

    assertThat(code).as(err.toString() + out).isZero();
    assertThat(out.toString()).contains("epoch 1/8 loss ", "serval.metric val_accuracy ");
    assertThat(err.toString()).contains(": SUCCEEDED", "pushed digits-mlp v1");
    JsonNode teacher = version("digits-mlp", 1);
    assertThat(teacher.path("state").asText()).isEqualTo("READY");
    assertThat(teacher.at("/lineage/transform").asText()).isEqualTo("train");
    JsonNode settings = teacher.at("/lineage/settings");
    assertThat(settings.at("/report/test_accuracy").asDouble()).isGreaterThan(0.9);
    assertThat(settings.at("/job/params/hidden").asText()).isEqualTo("64");
    String id = settings.at("/job/job").asText();
    out.getBuffer().setLength(0);
    assertThat(run(List.of("jobs", "metrics"), id)).isZero();
    assertThat(out.toString()).containsPattern("(?m)^val_accuracy\\s+8\\s+0\\.9")
        .containsPattern("(?m)^loss\\s+8\\s");
  }

  @Test
  @Order(2)
  void distilledStudentIsSmallerRegisteredWithLineageAndReport() throws IOException {
    int code = run(List.of("distill"), "--teacher", "digits-mlp", "--data", "digits",
        "--hidden", "16", "--param", "epochs=15", "--param", "lr=0.005", "--output-model", "digits-student", "--wait");

    assertThat(code).as(err.toString() + out).isZero();
    JsonNode student = version("digits-student", 1);
    assertThat(student.at("/lineage/parent_model").asText()).isEqualTo("digits-mlp");
    assertThat(student.at("/lineage/parent_version").asInt()).isEqualTo(1);
    assertThat(student.at("/lineage/transform").asText()).isEqualTo("distillation");
    JsonNode settings = student.at("/lineage/settings");
    assertThat(settings.path("temperature").asDouble()).isEqualTo(4.0);
    JsonNode report = settings.path("report");
    assertThat(report.path("size_ratio").asDouble()).isGreaterThan(3);
    assertThat(report.path("teacher_bytes").asLong())
        .isEqualTo(version("digits-mlp", 1).path("size_bytes").asLong());
    assertThat(report.path("test_accuracy").asDouble()).isGreaterThan(0.85);
    assertThat(report.path("teacher_test_accuracy").asDouble()).isGreaterThan(0.9);
    assertThat(report.path("agreement").asDouble()).isGreaterThan(0.85);
  }

  @Test
  void factorizationMachineJobPushesAModelThatServesClassProbabilities() {
    int code = run(List.of("jobs", "submit"), "--name", "fm", "--trainer", "fm",
        "--data", "digits", "--param", "factors=4", "--param", "epochs=4", "--param", "l1=1e-5",
        "--output-model", "digits-fm", "--wait");

    assertThat(code).as(err.toString() + out).isZero();
    assertThat(out.toString()).contains("Training fm on ", "epoch 4/4 loss ");
    assertThat(version("digits-fm", 1).path("state").asText()).isEqualTo("READY");
    float[] zeros = new float[64];
    JsonNode answer = new ServalClient(url(), null).postJson("/v2/models/digits-fm/infer",
        Map.of("inputs", List.of(Map.of("name", "input", "datatype", "FP32",
            "shape", List.of(1, 64), "data", zeros))));
    JsonNode probabilities = answer.at("/outputs/0");
    assertThat(probabilities.path("name").asText()).isEqualTo("probabilities");
    assertThat(probabilities.path("shape").toString()).isEqualTo("[1,10]");
    double sum = 0;
    for (JsonNode p : probabilities.path("data")) {
      sum += p.asDouble();
    }
    assertThat(sum).isCloseTo(1, within(1e-5));
  }

  @Test
  void badValueOrInapplicableKeyOfAClassicalTrainerIsRefusedNamingIt() {
    assertThat(run(List.of("jobs", "submit"), "--name", "bad", "--trainer", "linear", "--data",
        "digits", "--param", "loss=absolute", "--output-model", "x")).isEqualTo(2);
    assertThat(err.toString())
        .contains("trainer parameter loss must be squared or huber, got 'absolute'");
    assertThat(run(List.of("train"), "fm", "--data", "digits", "--param", "hidden=64", "--out",
        dir.resolve("never.onnx").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("trainer parameter hidden is for cnn and mlp, not for fm");
  }

  @Test
  void unknownTrainerParameterIsRefusedBeforeTheJobIsQueued() {
    assertThat(run(List.of("jobs", "submit"), "--name", "bad", "--trainer", "mlp", "--data",
        "digits", "--param", "hiden=3", "--output-model", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown trainer parameter 'hiden'; known: hidden,");
  }

  @Test
  void distillFromAModelThatDoesNotExistFailsAtOnce() {
    assertThat(run(List.of("distill"), "--teacher", "nothing", "--data", "digits",
        "--output-model", "x")).isEqualTo(1);
    assertThat(err.toString()).contains("nothing");
  }
}
