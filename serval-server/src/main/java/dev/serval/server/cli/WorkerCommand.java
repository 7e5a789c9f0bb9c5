package dev.serval.server.cli;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code serval worker}: runs jobs from the queue of the servers sharing its database (and
 * broker), pushing output models to their registry. Stops on Ctrl-C, giving its running jobs
 * back to the queue.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Run jobs submitted to the servers that share this --db (and --broker).",
      "Give it the same --data (or --artifacts) folder as the servers: job logs and model",
      "artifacts are kept there. Without --broker it polls the database for jobs."
    })
final class WorkerCommand implements Callable<Integer> {
  @Mixin RegistryOptions registry;

  @Mixin JobOptions jobs;

  @Override
  public Integer call() {
    Path data = registry.dataDir(RegistryOptions.DEFAULT_DATA);
    ModelRegistry opened = registry.open(data);
    ExecutorService validations = Executors.newSingleThreadExecutor();
    RegistryService service = RegistryService.builder().registry(opened)
        .validator(ModelValidator.builder().backend(new OnnxBackend()).build())
        .executor(validations).build();
    JobSystem system;
    try {
      system = JobSystem.open(opened, service, data, registry.broker, jobs.queue,
          jobs.worker());
    } catch (RuntimeException e) {
      validations.shutdownNow();
      opened.close();
      opened.events().close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping: running jobs go back to the queue ...");
      system.close();
      validations.shutdownNow();
      opened.close();
      opened.events().close();
      stopped.countDown();
    }, "serval-worker-shutdown"));
    System.out.println(system.describe());
    System.out.println("Serval worker is running; press Ctrl-C to stop.");
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
