package dev.serval.server.cli;

import dev.serval.registry.ModelRegistry;
import dev.serval.runtime.onnx.SampleModels;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code serval demo}: writes the project's own demo model (an MLP classifier) into a model
 * repository and serves it, printing a request to try.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Start the server on embedded defaults with a demo model and print a sample request.")
final class DemoCommand implements Callable<Integer> {
  static final String MODEL = "mlp";
  static final int FEATURES = 64;
  private static final long SEED = 42;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "Where the demo keeps its model repository and, unless --data says"
          + " otherwise, its registry (default: ~/.serval/demo).")
  Path home;

  @Mixin ListenOptions listen;

  @Mixin RegistryOptions registry;

  @Mixin ServingOptions serving;

  @Mixin SecurityOptions security;

  @Mixin ServerJobOptions jobs;

  @Override
  public Integer call() {
    listen.validate();
    Path root = home != null ? home : Path.of(System.getProperty("user.home"), ".serval", "demo");
    Path repository = root.resolve("models");
    Path sample = root.resolve("sample-request.json");
    writeDemo(repository, sample);
    Path data = registry.dataDir(root.resolve("data"));
    ModelRegistry opened = registry.open(data);
    Launch launch = new Launch(listen, serving, security, registry.broker,
        jobs.system(opened, data, registry.broker));
    ServerLauncher launcher = ServerLauncher.start(repository, opened, launch, System.out);
    printTryIt(launcher.url(), sample, System.out);
    launcher.awaitShutdown();
    return 0;
  }

  static void writeDemo(Path repository, Path sample) {
    Path artifact = repository.resolve(MODEL).resolve("1").resolve("model.onnx");
    try {
      if (!Files.exists(artifact)) {
        SampleModels.write(SampleModels.mlp(FEATURES, new int[] {256, 256}, 10, SEED), artifact);
      }
      Files.writeString(sample, sampleRequest(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo model under " + repository, e);
    }
  }

  static String sampleRequest() {
    SplittableRandom random = new SplittableRandom(SEED);
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < FEATURES; i++) {
      data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", random.nextDouble()));
    }
    return "{\"id\":\"demo-1\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,"
        + FEATURES + "],\"data\":[" + data + "]}]}\n";
  }

  private static void printTryIt(String url, Path sample, PrintStream out) {
    out.println();
    out.println("Demo model '" + MODEL + "': 64 features -> 10 class probabilities.");
    out.println("  Server metadata:  curl " + url + "/v2");
    out.println("  Model metadata:   curl " + url + "/v2/models/" + MODEL);
    out.println("  Metrics:          curl " + url + "/metrics");
    out.println("  Try a prediction:");
    out.println("    curl -s -X POST " + url + "/v2/models/" + MODEL + "/infer \\");
    out.println("      -H 'Content-Type: application/json' -d @" + sample);
    out.println();
    out.println("Press Ctrl-C to stop.");
  }
}
