package dev.serval.server.cli;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The jobs options of a server process, which runs a worker of its own unless told not to. */
final class ServerJobOptions {
  @Mixin JobOptions worker;

  @Option(names = "--no-worker",
      description = "Run no jobs in this process (run ./serval worker elsewhere).")
  boolean noWorker;

  /** Opens the job system once the registry's service exists. */
  Function<RegistryService, JobSystem> system(ModelRegistry registry, Path data, URI broker) {
    return service -> JobSystem.open(registry, service, data, broker, worker.queue,
        noWorker ? null : worker.worker());
  }
}
