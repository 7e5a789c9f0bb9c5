package dev.serval.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serval serve}: serves every model in a Triton-style model repository. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve every model in a model repository over the Open Inference Protocol.",
      "Layout: DIR/<model>/<version>/model.onnx, optional DIR/<model>/config.json.",
      "Also serves the model registry's management API (/api/v1/models; see ./serval models)."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--model-repository",
      required = true,
      paramLabel = "DIR",
      description = "Folder with one sub-folder per model.")
  Path modelRepository;

  @Mixin ListenOptions listen;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() {
    listen.validate();
    if (!Files.isDirectory(modelRepository)) {
      throw new UsageException(
          "--model-repository " + modelRepository + " is not a folder; create it with one "
              + "sub-folder per model, e.g. " + modelRepository.resolve("mymodel/1/model.onnx"));
    }
    Path data = registry.dataDir(Path.of(System.getProperty("user.home"), ".serval", "data"));
    ServerLauncher.start(modelRepository, registry.open(data), listen, System.out)
        .awaitShutdown();
    return 0;
  }
}
