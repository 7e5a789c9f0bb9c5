package dev.serval.jobs;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.runtime.onnx.OnnxBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/**
 * A registry on H2 in {@code dir}, the jobs kept in its database, and workers on the embedded
 * queue with a fast heartbeat, validating pushed models with ONNX Runtime.
 */
final class JobFixture implements AutoCloseable {
  final ModelRegistry registry;
  final RegistryService service;
  final DatabaseJobQueue queue;
  final Jobs jobs;
  private final java.util.List<JobWorker> workers = new java.util.ArrayList<>();

  JobFixture(Path dir) {
    registry = ModelRegistry.builder().dataDir(dir.resolve("data")).build();
    service = RegistryService.builder()
        .registry(registry)
        .validator(ModelValidator.builder().backend(new OnnxBackend()).seed(7).build())
        .executor(Runnable::run)
        .build();
    queue = new DatabaseJobQueue(registry.database(), Clock.systemUTC(), Duration.ofMillis(50));
    jobs = Jobs.builder()
        .database(registry.database())
        .jobsDir(dir.resolve("data").resolve("jobs"))
        .queue(queue)
        .ids(new Random(1))
        .dispatchInterval(Duration.ofMillis(100))
        .build();
  }

  /** A started worker; {@code options} may adjust its builder. */
  JobWorker worker(Consumer<JobWorker.Builder> options) {
    JobWorker.Builder builder = JobWorker.builder()
        .jobs(jobs)
        .queue(queue)
        .registry(service)
        .cpuThreads(1)
        .heartbeat(Duration.ofMillis(100), null);
    options.accept(builder);
    JobWorker worker = builder.build().start();
    workers.add(worker);
    return worker;
  }

  static JobSpec.Builder shell(String name, String script) {
    return JobSpec.builder(name, List.of("sh", "-c", script));
  }

  /** Waits until the job has finished and returns it. */
  JobRecord awaitFinished(String id) {
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> jobs.get(id).state().isFinished());
    return jobs.get(id);
  }

  String log(String id, Integer attempt) {
    return new String(jobs.log(id, attempt).readAll(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    workers.forEach(JobWorker::close);
    jobs.close();
    queue.close();
    registry.close();
  }
}
