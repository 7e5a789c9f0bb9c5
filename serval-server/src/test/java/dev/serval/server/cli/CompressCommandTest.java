package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.runtime.onnx.SampleModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompressCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void compressesAModelFileAndWritesTheReport() throws Exception {
    Path model = mlp();
    Path output = dir.resolve("mlp-int8.onnx");
    Path report = dir.resolve("report.json");

    int code = cli("compress", model.toString(), "--method", "int8-dynamic", "--output",
        output.toString(), "--bench-seconds", "0", "--report", report.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(output).isNotEmptyFile();
    assertThat(out.toString()).contains("int8-dynamic: ", "nodes changed: 2 of 2",
        "output logits: max |difference|");
    assertThat(Files.readString(report)).contains("\"method\" : \"int8-dynamic\"");
  }

  @Test
  void refusesAFileThatIsNotAModel() throws Exception {
    Path text = Files.writeString(dir.resolve("model.onnx"), "not a model");
    Path output = dir.resolve("out.onnx");

    int code = cli("compress", text.toString(), "--method", "prune", "--output",
        output.toString(), "--bench-seconds", "0");

    assertThat(code).isEqualTo(ErrorHandler.FAILURE);
    assertThat(err.toString()).contains("serval: input model", "is not an ONNX model");
    assertThat(output).doesNotExist();
  }

  @Test
  void refusesAnExistingOutputWithoutOverwriteAndBadSettings() throws Exception {
    Path model = mlp();
    Path output = Files.writeString(dir.resolve("taken.onnx"), "keep me");

    assertThat(cli("compress", model.toString(), "--method", "low-rank", "--output",
        output.toString())).isEqualTo(ErrorHandler.USAGE);
    assertThat(err.toString()).contains("exists; add --overwrite");
    assertThat(cli("compress", model.toString(), "--method", "prune", "--sparsity", "1.5",
        "--output", dir.resolve("other.onnx").toString())).isEqualTo(ErrorHandler.USAGE);
    assertThat(err.toString()).contains("sparsity must be in [0, 1) but was 1.5");
    assertThat(Files.readString(output)).isEqualTo("keep me");
  }

  @Test
  void fineTunesTheCompressedModelAndShowsEachEpoch() throws Exception {
    StringBuilder rows = new StringBuilder();
    for (int r = 0; r < 30; r++) {
      for (int c = 0; c < 8; c++) {
        rows.append((r * 7 + c * 3) % 11 / 10.0).append(',');
      }
      rows.append(r % 3).append('\n');
    }
    Path csv = Files.writeString(dir.resolve("rows.csv"), rows);

    int code = cli("compress", mlp().toString(), "--method", "low-rank", "--rank", "2",
        "--fine-tune", csv.toString(), "--fine-tune-epochs", "2", "--output",
        dir.resolve("tuned.onnx").toString(), "--bench-seconds", "0");

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("rank 2, fine-tuned 2 epochs: fine-tuning epoch 1/2",
        "fine-tuning epoch 2/2");
    assertThat(out.toString()).contains("fine-tuned on 25 of 30 rows of " + csv);
    assertThat(cli("compress", mlp().toString(), "--method", "int8-dynamic", "--fine-tune",
        csv.toString(), "--output", dir.resolve("int8.onnx").toString()))
        .isEqualTo(ErrorHandler.USAGE);
    assertThat(err.toString()).contains("fine-tuning applies to prune and low-rank");
  }

  private Path mlp() {
    Path model = dir.resolve("mlp.onnx");
    SampleModels.write(SampleModels.mlp(8, new int[] {16}, 3, 1), model);
    return model;
  }

  private int cli(String... args) {
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }
}
