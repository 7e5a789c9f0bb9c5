package dev.serval.server.cli;

import dev.serval.core.ServalException;
import dev.serval.jobs.DatabaseJobQueue;
import dev.serval.jobs.JobQueue;
import dev.serval.jobs.JobWorker;
import dev.serval.jobs.Jobs;
import dev.serval.jobs.RabbitMqJobQueue;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The jobs of one process: the queue (the database's, or RabbitMQ's with a broker), the job
 * service over the registry's database, and optionally a worker. Closed worker first.
 */
final class JobSystem implements AutoCloseable {
  /** The program name by which a job runs this Serval (e.g. its built-in trainers). */
  static final String SERVAL_PROGRAM = "serval";
  private static final Duration DATABASE_POLL = Duration.ofMillis(500);

  final Jobs jobs;
  private final JobQueue queue;
  private final JobWorker worker;
  private final String queueName;

  private JobSystem(Jobs jobs, JobQueue queue, JobWorker worker, String queueName) {
    this.jobs = jobs;
    this.queue = queue;
    this.worker = worker;
    this.queueName = queueName;
  }

  /**
   * @param worker adjusts the worker's builder, or null for no worker in this process
   */
  static JobSystem open(ModelRegistry registry, RegistryService service, Path dataDir,
      URI broker, Consumer<JobWorker.Builder> worker) {
    return open(registry, service, dataDir, broker, RabbitMqJobQueue.DEFAULT_QUEUE, worker);
  }

  /** @param queueName the RabbitMQ queue of the jobs, when there is a broker */
  static JobSystem open(ModelRegistry registry, RegistryService service, Path dataDir,
      URI broker, String queueName, Consumer<JobWorker.Builder> worker) {
    JobQueue queue;
    try {
      queue = broker == null
          ? new DatabaseJobQueue(registry.database(), Clock.systemUTC(), DATABASE_POLL)
          : RabbitMqJobQueue.connect(broker, queueName);
    } catch (ServalException e) {
      throw new CommandException(e.getMessage());
    }
    Jobs jobs = null;
    try {
      jobs = Jobs.builder().database(registry.database()).jobsDir(jobsDir(dataDir))
          .queue(queue).build();
      JobWorker started = null;
      if (worker != null) {
        JobWorker.Builder builder = JobWorker.builder().jobs(jobs).queue(queue).registry(service)
            .program(SERVAL_PROGRAM, servalCommand());
        worker.accept(builder);
        started = builder.build().start();
      }
      return new JobSystem(jobs, queue, started, broker == null ? "the database"
          : "RabbitMQ queue " + queueName);
    } catch (RuntimeException e) {
      if (jobs != null) {
        jobs.close();
      }
      queue.close();
      throw e;
    }
  }

  /** The folder of the jobs' logs and outputs under a data folder. */
  static Path jobsDir(Path dataDir) {
    return dataDir.resolve("jobs");
  }

  /**
   * This process's Java and class path running the CLI: a child JVM of the fat jar (or of the
   * test class path), so that a built-in trainer is an ordinary process that a timeout or a
   * cancellation kills like any other job.
   */
  static List<String> servalCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
  }

  String describe() {
    return worker == null ? "Jobs: queued in " + queueName + " (no worker in this process)"
        : "Jobs: worker " + worker.id() + " takes jobs from " + queueName;
  }

  @Override
  public void close() {
    try {
      if (worker != null) {
        worker.close();
      }
    } finally {
      jobs.close();
      queue.close();
    }
  }
}
