package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serval.train.MlpTrainer;
import dev.serval.train.TrainingOptions;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Datasets;
import dev.serval.train.data.Split;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serval compress --model NAME:VERSION} against a real server with a digits classifier. */
class CompressRegisteredTest {
  private static final PrintStream CONSOLE = new PrintStream(OutputStream.nullOutputStream());
  @TempDir static Path dir;
  private static ServerLauncher server;
  private static Path model;
  private static Path eval;
  private static Path train;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startServerWithDigitsClassifier() throws IOException {
    server = CommandLineTest.startOnAFreePort(
        Files.createDirectories(dir.resolve("repository")), dir.resolve("data"), CONSOLE);
    Split split = Datasets.digits().split(0.15, 0.15, 3);
    model = dir.resolve("digits.onnx");
    MlpTrainer.builder().hidden(48)
        .options(TrainingOptions.builder().epochs(10).seed(2).build())
        .build()
        .fit(split.train(), split.validation(), p -> { })
        .writeOnnx(model);
    eval = writeCsv(split.test(), dir.resolve("eval.csv"));
    train = writeCsv(split.train(), dir.resolve("train.csv"));
  }

  @AfterAll
  static void stopServer() {
    server.close(CONSOLE);
  }

  @Test
  void registersTheCompressedVersionWithLineageAndItsReport() {
    assertThat(cli("models", "push", "digits", model.toString(), "--server", url())).isZero();

    int code = cli("compress", "--model", "digits:1", "--method", "int8-dynamic", "--eval",
        eval.toString(), "--max-accuracy-drop", "5", "--bench-seconds", "0", "--server", url());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("top1 of the original on", "registered digits v2: READY");
    ServalClient client = new ServalClient(url(), null);
    JsonNode version = client.get("/api/v1/models/digits/versions/2");
    assertThat(version.path("lineage").path("parent_model").asText()).isEqualTo("digits");
    assertThat(version.path("lineage").path("parent_version").asInt()).isEqualTo(1);
    assertThat(version.path("lineage").path("transform").asText()).isEqualTo("int8-dynamic");
    assertThat(version.path("lineage").path("settings").path("settings").asText())
        .startsWith("per-");
    assertThat(version.path("tags").path("compression.size_ratio").asDouble()).isGreaterThan(2);
    JsonNode report = client.get("/api/v1/models/digits/versions/2/compression");
    assertThat(report.path("metric").asText()).isEqualTo("top1");
    assertThat(report.path("candidates")).isNotEmpty();
    assertThat(report.path("result").path("method").asText()).isEqualTo("int8-dynamic");
  }

  @Test
  void fineTunesOnTheServerWithRowsSentByTheClient() {
    assertThat(cli("models", "push", "tuned", model.toString(), "--server", url())).isZero();

    int code = cli("compress", "--model", "tuned:1", "--method", "prune", "--structured",
        "--fine-tune", train.toString(), "--fine-tune-epochs", "2", "--bench-seconds", "0",
        "--server", url());

    assertThat(code).as(err.toString()).isZero();
    ServalClient client = new ServalClient(url(), null);
    JsonNode settings = client.get("/api/v1/models/tuned/versions/2").path("lineage")
        .path("settings");
    assertThat(settings.path("settings").asText())
        .isEqualTo("structured, sparsity 0.5, fine-tuned 2 epochs");
    assertThat(settings.path("options").has("fineTune")).isFalse();
    JsonNode tuning = client.get("/api/v1/models/tuned/versions/2/compression")
        .path("fineTuning");
    assertThat(tuning.path("epochs").asInt()).isEqualTo(2);
    assertThat(tuning.path("rows").asInt()).isGreaterThan(1000);
  }

  @Test
  void pushesNothingWhenNoCandidateIsWithinTheTolerance() {
    assertThat(cli("models", "push", "strict", model.toString(), "--server", url())).isZero();

    int code = cli("compress", "--model", "strict:1", "--method", "weight-sharing",
        "--cluster-bits", "1", "--eval", eval.toString(), "--metric", "max-abs-error",
        "--max-accuracy-drop", "0", "--bench-seconds", "0", "--server", url());

    assertThat(code).isEqualTo(ErrorHandler.FAILURE);
    assertThat(out.toString()).contains("no output was written");
    JsonNode versions = new ServalClient(url(), null).get("/api/v1/models/strict/versions");
    assertThat(versions.path("versions")).hasSize(1);
  }

  @Test
  void anOriginalVersionHasNoCompressionReport() {
    assertThat(cli("models", "push", "plain", model.toString(), "--server", url())).isZero();

    assertThatThrownBy(() -> new ServalClient(url(), null)
        .get("/api/v1/models/plain/versions/1/compression"))
        .hasMessageContaining("plain v1 was not made by compression");
  }

  @Test
  void theRegistryFormWritesNoFile() {
    assertThat(cli("compress", "--model", "any:1", "--method", "prune", "--output",
        dir.resolve("x.onnx").toString(), "--server", url())).isEqualTo(ErrorHandler.USAGE);
    assertThat(err.toString()).contains("--output is for files");
  }

  private static String url() {
    return "http://127.0.0.1:" + server.port();
  }

  private static Path writeCsv(Dataset data, Path file) throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int r = 0; r < data.rows(); r++) {
      for (int c = 0; c < data.featureCount(); c++) {
        csv.append(data.feature(r, c)).append(',');
      }
      csv.append(data.label(r)).append('\n');
    }
    return Files.writeString(file, csv);
  }

  private int cli(String... args) {
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }
}
