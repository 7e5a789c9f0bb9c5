package dev.serval.bench.internal;

import dev.serval.bench.BenchmarkOutput;
import dev.serval.bench.ServingBenchmark;
import dev.serval.bench.ThreadLayout;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The benchmark's small command line, for scripts that run it before or without the Serval CLI.
 * Options are {@code --name value} or {@code --name=value}.
 */
public final class BenchCommand {
  static final String USAGE = """
      Usage: serval-bench [options]
        Measures raw in-process runtime speed, then (with --server) a running Serval server
        under closed-loop load, and prints and writes a report.

        --server URL            Serval server base URL, e.g. http://127.0.0.1:8000
        --peer URL              peer service (same model, OIP JSON) for the 1-row JSON comparison
        --peer-name NAME        name of the peer in the report (default fastapi-torch)
        --model FILE            ONNX model for the runtime phases (default: the benchmark MLP
                                64-256-256-10)
        --model-name NAME       model name on the server and peer (default mlp)
        --warmup SECONDS        warmup of each load phase (default 3)
        --duration SECONDS      measured window of each load phase (default 10)
        --server-warmup SECONDS untimed load on the server before its first phase, so its JIT
                                has compiled the hot paths (default 20, with --grpc 40)
        --server-layout IxT     the server's runtime threads, instances x intra-op threads;
                                many-row results are compared with the raw runtime in this
                                layout (default 1x(cores/2), Serval's default config)
        --runtime-warmup SECONDS    warmup of each runtime phase (default 1)
        --runtime-duration SECONDS  measured window of each runtime phase (default 5)
        --batch-sizes LIST      runtime batch sizes (default 1,8,64)
        --layouts LIST          runtime thread layouts instances x threads, e.g. 1x1,1x2,2x1
                                (default: 1x1, 1xN, Nx1 for N cores), or none
        --clients LIST          clients of the 1-row load phases (default 16,32)
        --rows N                rows per request of the many-row phases (default 64)
        --multi-row-clients LIST  clients of the many-row phases (default 4,8)
        --out FILE              JSON report file; the Markdown table goes beside it as .md
                                (default serval-bench-report.json)
        --grpc                  compare gRPC with REST instead of the usual load phases: 1-row
                                JSON, then 1-row gRPC ModelInfer (raw_input_contents) with as
                                many streams on one HTTP/2 connection, at each --clients count
                                (default 32); no runtime phases unless --layouts is given
        --write-model FILE      only write the benchmark MLP to FILE (e.g. DIR/mlp/1/model.onnx)
        --help                  show this help

      Registry benchmark (instead of the above; starts its own servers on fresh data folders,
      so --server is not used):
        --registry              push + validate a large model vs copying it, then registry
                                list/get latency with many versions
        --push-width N          hidden width of the pushed MLP 64-N-N-10 (default 5000, ~101 MB)
        --pushes N              timed pushes, each beside a timed copy; 0 skips (default 5)
        --warmup-pushes N       untimed pushes first (default 1)
        --versions N            versions of the model read; 0 skips the reads (default 10000)
        --models N              further models with one version each (default 200)
        --requests N            measured requests per read endpoint (default 2000)
        --warmup-requests N     untimed requests per read endpoint first (default 500)
        --work-dir DIR          where models and data folders go (default: the temp folder)
        --out FILE              default serval-registry-bench.json

      Zero-downtime swap benchmark (instead of the above; starts its own server on a fresh
      data folder with two versions of the benchmark MLP):
        --swap                  steady 1-row JSON load, then the same load while the deployment
                                alternates between the versions
        --clients N             closed-loop clients of both phases (default 16)
        --warmup SECONDS        untimed load before the steady phase (default 5)
        --duration SECONDS      measured window of each phase (default 20)
        --swap-interval SECONDS how often a deployment change starts (default 2)
        --out FILE              default serval-swap-bench.json

      Gateway benchmark (instead of the above; starts three replicas and two gateways, each
      in its own JVM):
        --gateway               1-row JSON latency on one replica directly and through a
                                gateway, then load through a gateway over three replicas while
                                one is killed (SIGKILL)
        --clients LIST          clients of the overhead phases (default 1,8,32)
        --server-warmup SECONDS untimed load through the gateway before the first overhead
                                phase, so that its JIT has compiled the forwarding path
                                (default 20; 0 skips)
        --warmup SECONDS        warmup of each phase (default 3)
        --duration SECONDS      measured window of each overhead phase (default 10)
        --kill-clients N        clients of the kill phase (default 16)
        --kill-duration SECONDS measured window of the kill phase; the kill comes a third of
                                the way in (default 15)
        --out FILE              default serval-gateway-bench.json
      """;

  private static final String GRPC = "--grpc";
  private static final Set<String> FLAGS =
      Set.of("--help", GRPC, RegistryBenchCommand.FLAG, SwapBenchCommand.FLAG,
          GatewayBenchCommand.FLAG);
  private static final Set<String> VALUE_OPTIONS = Set.of("--server", "--peer", "--peer-name",
      "--model", "--model-name", "--warmup", "--duration", "--runtime-warmup",
      "--runtime-duration", "--server-warmup", "--server-layout", "--batch-sizes", "--layouts",
      "--clients", "--rows", "--multi-row-clients", "--out", "--write-model", "--push-width",
      "--pushes", "--warmup-pushes", "--versions", "--models", "--requests", "--warmup-requests",
      "--work-dir", SwapBenchCommand.INTERVAL, GatewayBenchCommand.KILL_CLIENTS,
      GatewayBenchCommand.KILL_DURATION);

  private BenchCommand() {}

  /** Runs the command; returns the process exit code (0 ok, 1 failed, 2 bad arguments). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("serval-bench: " + e.getMessage());
      err.println("Try --help.");
      return 2;
    }
    if (options.containsKey("--help")) {
      out.print(USAGE);
      return 0;
    }
    if (options.containsKey("--write-model")) {
      Path file = Path.of(options.get("--write-model"));
      ServingBenchmark.writeDefaultModel(file);
      out.println("wrote " + file);
      return 0;
    }
    Path json;
    Supplier<BenchmarkOutput> benchmark;
    try {
      json = Path.of(options.getOrDefault("--out", defaultOut(options)));
      benchmark = configureAny(options, err);
    } catch (IllegalArgumentException e) {
      err.println("serval-bench: " + e.getMessage());
      return 2;
    }
    return runAndWrite(benchmark, json, out, err);
  }

  private static String defaultOut(Map<String, String> options) {
    if (options.containsKey(SwapBenchCommand.FLAG)) {
      return "serval-swap-bench.json";
    }
    if (options.containsKey(GatewayBenchCommand.FLAG)) {
      return "serval-gateway-bench.json";
    }
    return options.containsKey(RegistryBenchCommand.FLAG)
        ? "serval-registry-bench.json" : "serval-bench-report.json";
  }

  private static Supplier<BenchmarkOutput> configureAny(Map<String, String> options,
      PrintStream err) {
    if (options.containsKey(SwapBenchCommand.FLAG)) {
      return SwapBenchCommand.configure(options, err)::run;
    }
    if (options.containsKey(GatewayBenchCommand.FLAG)) {
      return GatewayBenchCommand.configure(options, err)::run;
    }
    SwapBenchCommand.refuseSwapOptions(options);
    GatewayBenchCommand.refuseGatewayOptions(options);
    return options.containsKey(RegistryBenchCommand.FLAG)
        ? RegistryBenchCommand.configure(options, err)::run : configure(options, err)::run;
  }

  private static int runAndWrite(Supplier<BenchmarkOutput> benchmark, Path json, PrintStream out,
      PrintStream err) {
    try {
      BenchmarkOutput report = benchmark.get();
      Path markdown = json.resolveSibling(json.getFileName().toString()
          .replaceFirst("\\.json$", "") + ".md");
      report.write(json, markdown);
      out.print(report.toMarkdown());
      out.println("\nReport written to " + json + " and " + markdown);
      return 0;
    } catch (RuntimeException e) {
      err.println("serval-bench: benchmark failed: " + e.getMessage());
      return 1;
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (FLAGS.contains(name)) {
        options.put(name, "");
      } else if (!VALUE_OPTIONS.contains(name)) {
        throw new IllegalArgumentException("unknown option '" + arg + "'");
      } else if (arg.contains("=")) {
        options.put(name, arg.substring(arg.indexOf('=') + 1));
      } else if (i + 1 < args.length) {
        options.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
    }
    return options;
  }

  private static ServingBenchmark configure(Map<String, String> o, PrintStream err) {
    RegistryBenchCommand.refuseRegistryOptions(o);
    ServingBenchmark.Builder b = ServingBenchmark.builder().progress(err::println);
    if (o.containsKey("--server")) {
      b.server(URI.create(o.get("--server")));
    }
    if (o.containsKey("--peer")) {
      b.peer(URI.create(o.get("--peer")), o.getOrDefault("--peer-name", "fastapi-torch"));
    }
    if (o.containsKey("--model")) {
      b.model(Path.of(o.get("--model")));
    }
    if (o.containsKey("--model-name")) {
      b.modelName(o.get("--model-name"));
    }
    b.loadDurations(seconds(o, "--warmup", 3), seconds(o, "--duration", 10));
    b.runtimeDurations(seconds(o, "--runtime-warmup", 1), seconds(o, "--runtime-duration", 5));
    if (o.containsKey("--server-warmup")) {
      b.serverWarmup(seconds(o, "--server-warmup", 20));
    }
    if (o.containsKey("--server-layout")) {
      b.serverLayout(ThreadLayout.parse(o.get("--server-layout")));
    }
    if (o.containsKey("--batch-sizes")) {
      b.runtimeBatchSizes(ints(o, "--batch-sizes"));
    }
    if (o.containsKey("--layouts")) {
      b.runtimeLayouts(layouts(o.get("--layouts")));
    }
    if (o.containsKey("--clients")) {
      b.singleRowClients(ints(o, "--clients"));
    }
    if (o.containsKey(GRPC)) {
      configureGrpc(o, b);
    } else if (o.containsKey("--rows") || o.containsKey("--multi-row-clients")) {
      b.multiRow(o.containsKey("--rows") ? ints(o, "--rows")[0] : 64,
          o.containsKey("--multi-row-clients") ? ints(o, "--multi-row-clients") : new int[] {4, 8});
    }
    return b.build();
  }

  private static void configureGrpc(Map<String, String> o, ServingBenchmark.Builder b) {
    for (String manyRows : List.of("--rows", "--multi-row-clients")) {
      if (o.containsKey(manyRows)) {
        throw new IllegalArgumentException(manyRows + " is not used with " + GRPC);
      }
    }
    b.grpcComparison();
    if (!o.containsKey("--server-warmup")) {
      // Both JVMs compile the gRPC path (grpc-java, Armeria's gRPC layer) much later than the
      // REST one: at 20 s, split between the two shapes, the gRPC phase still ran partly cold.
      b.serverWarmup(Duration.ofSeconds(40));
    }
    if (!o.containsKey("--clients")) {
      b.singleRowClients(32);
    }
    if (!o.containsKey("--layouts")) {
      b.runtimeLayouts(List.of());
    }
  }

  static Duration seconds(Map<String, String> o, String name, double fallback) {
    String text = o.get(name);
    try {
      double value = text == null ? fallback : Double.parseDouble(text);
      return Duration.ofNanos((long) (value * 1e9));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number of seconds but was '" + text
          + "'");
    }
  }

  static int[] ints(Map<String, String> o, String name) {
    String text = o.get(name);
    try {
      return Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt)
          .toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a comma-separated list of integers but "
          + "was '" + text + "'");
    }
  }

  /** The option's value, which must be one integer, or {@code fallback} when it is not given. */
  static int number(Map<String, String> o, String name, int fallback) {
    if (!o.containsKey(name)) {
      return fallback;
    }
    int[] values = ints(o, name);
    if (values.length != 1) {
      throw new IllegalArgumentException(name + " must be one number but was '" + o.get(name)
          + "'");
    }
    return values[0];
  }

  private static List<ThreadLayout> layouts(String text) {
    List<ThreadLayout> layouts = new ArrayList<>();
    if (!text.equals("none")) {
      for (String part : text.split(",")) {
        layouts.add(ThreadLayout.parse(part));
      }
    }
    return layouts;
  }
}
