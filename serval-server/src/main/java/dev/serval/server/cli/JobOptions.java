package dev.serval.server.cli;

import dev.serval.jobs.Durations;
import dev.serval.jobs.JobWorker;
import dev.serval.jobs.RabbitMqJobQueue;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** How a process runs jobs: worker slots, CPU threads per job, heartbeat. */
final class JobOptions {
  @Option(names = "--worker-slots", paramLabel = "N", defaultValue = "1",
      description = "Jobs this process runs at once (default: ${DEFAULT-VALUE}).")
  int slots = 1;

  @Option(names = "--job-cpu-threads", paramLabel = "N",
      description = "CPU threads a job gets unless it asks (default: the cores / slots).")
  Integer cpuThreads;

  @Option(names = "--job-heartbeat", paramLabel = "DURATION", defaultValue = "2s",
      description = "How often a running job heartbeats and checks for cancellation; a job"
          + " not heard of for ten heartbeats and 5 s is run again elsewhere (default:"
          + " ${DEFAULT-VALUE}).")
  String heartbeat = "2s";

  @Option(names = "--max-job-output", paramLabel = "BYTES", defaultValue = "1073741824",
      description = "Largest output folder a job may leave (default: ${DEFAULT-VALUE}).")
  long maxOutputBytes = 1L << 30;

  @Option(names = "--job-queue", paramLabel = "NAME", defaultValue = "serval.jobs",
      description = "With --broker: the RabbitMQ queue of the jobs; the servers and workers of"
          + " one cluster use the same (default: ${DEFAULT-VALUE}).")
  String queue = RabbitMqJobQueue.DEFAULT_QUEUE;

  /** Applies these options to a worker's builder. */
  Consumer<JobWorker.Builder> worker() {
    if (slots < 1) {
      throw new UsageException("--worker-slots must be at least 1 but was " + slots);
    }
    int threads = cpuThreads != null ? cpuThreads
        : Math.max(1, Runtime.getRuntime().availableProcessors() / slots);
    return builder -> builder.slots(slots).cpuThreads(threads)
        .heartbeat(Durations.parse("--job-heartbeat", heartbeat), null)
        .maxOutputBytes(maxOutputBytes);
  }
}
