package dev.serval.server.cli;

import dev.serval.core.Causes;
import dev.serval.registry.ModelRegistry;
import java.io.IOException;
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
      "Also serves the model registry's management API (/api/v1/models; see ./serval models):",
      "a pushed version is added to the repository once validated, and each model serves its",
      "newest version."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--model-repository",
      paramLabel = "DIR",
      description = "Folder with one sub-folder per model (default: <data>/models, created if"
          + " missing).")
  Path modelRepository;

  @Mixin ListenOptions listen;

  @Mixin RegistryOptions registry;

  @Mixin ServingOptions serving;

  @Mixin SecurityOptions security;

  @Mixin ServerJobOptions jobs;

  @Override
  public Integer call() {
    listen.validate();
    if (modelRepository != null && !Files.isDirectory(modelRepository)) {
      throw new UsageException(
          "--model-repository " + modelRepository + " is not a folder; create it with one "
              + "sub-folder per model, e.g. " + modelRepository.resolve("mymodel/1/model.onnx"));
    }
    Path data = registry.dataDir(RegistryOptions.DEFAULT_DATA);
    ModelRegistry opened = registry.open(data);
    Path repository;
    try {
      repository = modelRepository != null ? modelRepository : defaultRepository(data);
    } catch (UsageException e) {
      opened.close();
      throw e;
    }
    Launch launch = new Launch(listen, serving, security, registry.broker,
        jobs.system(opened, data, registry.broker));
    ServerLauncher.start(repository, opened, launch, System.out).awaitShutdown();
    return 0;
  }

  private static Path defaultRepository(Path data) {
    Path repository = data.resolve("models");
    try {
      return Files.createDirectories(repository);
    } catch (IOException e) {
      throw new UsageException("cannot create the model repository " + repository + " ("
          + Causes.rootMessage(e) + "); choose one with --model-repository");
    }
  }
}
