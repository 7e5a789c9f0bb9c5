package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.jobs.JobRecord;
import dev.serval.jobs.JobSpec;
import dev.serval.jobs.JobState;
import dev.serval.jobs.Jobs;
import dev.serval.jobs.PublishedModel;
import dev.serval.jobs.RabbitMqJobQueue;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.PageRequest;
import dev.serval.runtime.onnx.SampleModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serval worker} processes on PostgreSQL and RabbitMQ (a queue of the test's own): a
 * worker killed with SIGKILL in the middle of a job has the job redelivered to another, which
 * runs it to completion; the job completes once and pushes its model once.
 */
@Tag("it")
class WorkerCrashTest {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final URI BROKER = URI.create("amqp://guest:guest@127.0.0.1:5672");

  @TempDir Path dir;
  private String schema;
  private String queueName;
  private ModelRegistry registry;
  private RabbitMqJobQueue queue;
  private Jobs jobs;
  private final List<Process> workers = new ArrayList<>();

  @BeforeEach
  void openJobs() throws SQLException {
    schema = "crash_" + UUID.randomUUID().toString().replace("-", "");
    queueName = "serval.jobs.test." + schema;
    sql("CREATE SCHEMA " + schema);
    RegistryOptions options = new RegistryOptions();
    options.db = POSTGRES + "?currentSchema=" + schema;
    options.dbUser = "postgres";
    registry = options.open(dir.resolve("data"));
    queue = RabbitMqJobQueue.connect(BROKER, queueName);
    jobs = Jobs.builder().database(registry.database()).jobsDir(dir.resolve("data/jobs"))
        .queue(queue).build();
  }

  @AfterEach
  void close() throws SQLException {
    workers.forEach(Process::destroyForcibly);
    jobs.close();
    queue.delete();
    queue.close();
    registry.close();
    registry.events().close();
    sql("DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void jobOfAKilledWorkerCompletesOnceOnAnother() throws Exception {
    Path model = dir.resolve("mlp.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 1), model);
    List<Process> both = startWorkers(2);
    // Only the first attempt waits, to be killed while it runs; the second has no reason to.
    JobRecord job = jobs.submit(JobSpec.builder("crash", List.of("sh", "-c",
            "echo $$ > pid-$SERVAL_ATTEMPT; echo started $SERVAL_ATTEMPT;"
                + " if [ $SERVAL_ATTEMPT = 1 ]; then sleep 30; fi; cp " + model
                + " {output_dir}/m.onnx"))
        .outputModel("crash-model", "{output_dir}/m.onnx").build());
    Path firstPid = jobs.folder(job.id()).resolve("work/pid-1");
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(firstPid)
        && jobs.get(job.id()).state() == JobState.RUNNING);
    Process first = both.stream()
        .filter(w -> jobs.get(job.id()).workerId().startsWith(w.pid() + "-")).findFirst()
        .orElseThrow();
    Process second = both.get(0) == first ? both.get(1) : both.get(0);

    // A crashed machine takes the job's processes with it.
    first.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    ProcessHandle.of(Long.parseLong(Files.readString(firstPid).trim()))
        .ifPresent(ProcessHandle::destroyForcibly);

    Awaitility.await().atMost(Duration.ofSeconds(90)).until(() ->
        jobs.get(job.id()).state().isFinished());
    JobRecord done = jobs.get(job.id());
    assertThat(done.state()).as(done.reason()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.workerId()).startsWith(second.pid() + "-");
    assertThat(done.outputs()).containsExactly(new PublishedModel("crash-model", 1));
    assertThat(registry.listVersions("crash-model", PageRequest.first(10)).items()).hasSize(1);
    assertThat(new String(jobs.log(job.id(), 2).readAll(), StandardCharsets.UTF_8))
        .startsWith("started 2");
    Awaitility.await().until(() -> queue.waiting() == 0);
  }

  /** {@code count} worker JVMs started side by side, once each says it is running. */
  private List<Process> startWorkers(int count) throws IOException, InterruptedException {
    List<CountDownLatch> running = new ArrayList<>();
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CountDownLatch latch = new CountDownLatch(1);
      started.add(startWorker(latch));
      running.add(latch);
    }
    for (CountDownLatch latch : running) {
      assertThat(latch.await(120, TimeUnit.SECONDS)).as("worker started").isTrue();
    }
    return started;
  }

  /** A {@code serval worker} child JVM; {@code running} opens when it says it is running. */
  private Process startWorker(CountDownLatch running) throws IOException {
    List<String> command = new ArrayList<>(JobSystem.servalCommand());
    command.addAll(List.of("worker", "--db", POSTGRES + "?currentSchema=" + schema,
        "--db-user", "postgres", "--data", dir.resolve("data").toString(),
        "--broker", BROKER.toString(), "--job-queue", queueName, "--job-heartbeat", "200ms"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    workers.add(process);
    Thread output = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.contains("Serval worker is running")) {
            running.countDown();
          }
        }
      } catch (IOException e) {
        // The worker was killed.
      }
    }, "worker-output");
    output.setDaemon(true);
    output.start();
    return process;
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
