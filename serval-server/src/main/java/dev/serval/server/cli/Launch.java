package dev.serval.server.cli;

import dev.serval.registry.RegistryService;
import java.net.URI;
import java.util.Objects;
import java.util.function.Function;

/**
 * What {@code serve} and {@code demo} start a server with, beyond its model repository and
 * registry: their option groups.
 *
 * @param broker RabbitMQ for asynchronous replies and the jobs queue; null for none
 * @param jobs opens the job system over the registry's service; null for a server without jobs
 */
record Launch(ListenOptions listen, ServingOptions serving, SecurityOptions security, URI broker,
    Function<RegistryService, JobSystem> jobs) {
  Launch {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(serving, "serving");
    Objects.requireNonNull(security, "security");
  }

  /** Keys off, no broker, no jobs. */
  static Launch of(ListenOptions listen, ServingOptions serving) {
    return new Launch(listen, serving, new SecurityOptions(), null, null);
  }
}
