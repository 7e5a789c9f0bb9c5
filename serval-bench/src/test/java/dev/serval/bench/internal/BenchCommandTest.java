package dev.serval.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return BenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryOption() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--server URL", "--peer URL",
        "--write-model FILE", "--layouts LIST", "--registry", "--versions N", "--swap",
        "--swap-interval SECONDS");
  }

  @Test
  void unknownOptionsAndBadValuesExitWithTwoAndAMessage() {
    assertThat(run("--serve", "http://127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--serve'");
    assertThat(run("--duration", "ten")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--duration must be a number");
    assertThat(run("--layouts=3")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'3'");
    assertThat(run("--out")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--out needs a value");
  }

  @Test
  void grpcComparisonTakesNoManyRowOptions() {
    assertThat(run("--grpc", "--rows", "8")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rows is not used with --grpc");
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--grpc");
  }

  @Test
  void writesTheBenchmarkModelWhereAsked() {
    Path model = dir.resolve("repo/mlp/1/model.onnx");

    assertThat(run("--write-model", model.toString())).isZero();
    assertThat(model).isNotEmptyFile();
  }

  @Test
  void runtimeOnlyRunPrintsAndWritesTheReport() {
    Path json = dir.resolve("report.json");

    int code = run("--layouts", "1x1", "--batch-sizes", "2", "--runtime-warmup", "0",
        "--runtime-duration", "0.1", "--out", json.toString());

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(json).content().contains("\"batchSize\" : 2");
    assertThat(dir.resolve("report.md")).content().contains("**Raw runtime, in process**");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("| 2 | 1 x 1 |");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("runtime batch=2", "done");
  }

  @Test
  void failingBenchmarkExitsWithOneAndNoStackTrace() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    int code = run("--layouts", "none", "--server", "http://127.0.0.1:" + port,
        "--out", dir.resolve("r.json").toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("benchmark failed")
        .doesNotContain("\tat ");
    assertThat(Files.exists(dir.resolve("r.json"))).isFalse();
  }

  @Test
  void registryOptionsNeedTheRegistryFlagAndOneNumber() {
    assertThat(run("--versions", "50")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--versions needs --registry");
    assertThat(run("--registry", "--pushes", "1,2")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--pushes must be one number but was '1,2'");
    assertThat(run("--registry", "--pushes", "0", "--versions", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing to run");
  }

  @Test
  void swapOptionsNeedTheSwapFlagAndSwapTakesNoOtherBenchmarksOptions() {
    assertThat(run("--swap-interval", "1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--swap-interval needs --swap");
    assertThat(run("--registry", "--swap-interval", "1")).isEqualTo(2);
    assertThat(run("--swap", "--registry")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--registry is not used with --swap");
    assertThat(run("--swap", "--server", "http://127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--server is not used with --swap");
    assertThat(run("--swap", "--clients", "4,8")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--clients must be one number but was '4,8'");
    assertThat(run("--swap", "--duration", "2", "--swap-interval", "2")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("swapInterval must be shorter than the duration");
  }
}
