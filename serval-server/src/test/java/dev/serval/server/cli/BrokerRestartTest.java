package dev.serval.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.jobs.JobRecord;
import dev.serval.jobs.JobSpec;
import dev.serval.jobs.JobState;
import dev.serval.jobs.JobWorker;
import dev.serval.jobs.Jobs;
import dev.serval.jobs.RabbitMqJobQueue;
import dev.serval.store.Database;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
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
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs on PostgreSQL and a RabbitMQ queue of the test's own survive a restart of the local
 * RabbitMQ node: jobs queued before it all run once afterwards, and a job running through it
 * completes once while its worker reconnects and takes new jobs.
 */
@Tag("it")
class BrokerRestartTest {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final URI BROKER = URI.create("amqp://guest:guest@127.0.0.1:5672");
  private static final int JOBS = 20;

  @TempDir Path dir;
  private String schema;
  private String queueName;
  private Database db;
  private RabbitMqJobQueue queue;
  private Jobs jobs;
  private Path runs;
  private final List<AutoCloseable> workers = new ArrayList<>();

  @BeforeEach
  void openJobs() throws SQLException {
    schema = "broker_" + UUID.randomUUID().toString().replace("-", "");
    queueName = "serval.jobs.test." + schema;
    sql("CREATE SCHEMA " + schema);
    db = Database.of(POSTGRES + "?currentSchema=" + schema, "postgres", "");
    queue = RabbitMqJobQueue.connect(BROKER, queueName);
    jobs = Jobs.builder().database(db).jobsDir(dir.resolve("jobs")).queue(queue)
        .dispatchInterval(Duration.ofMillis(200)).build();
    runs = dir.resolve("runs.txt");
  }

  @AfterEach
  void close() throws Exception {
    for (int i = workers.size() - 1; i >= 0; i--) {
      workers.get(i).close();
    }
    jobs.close();
    queue.delete();
    queue.close();
    db.close();
    sql("DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void jobsQueuedBeforeABrokerRestartEachSucceedOnce() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      ids.add(submit("queued-" + i, "").id());
    }
    assertThat(queue.waiting()).isEqualTo(JOBS);

    restartBroker();
    // The submitting connection recovered too.
    ids.add(submit("after-restart", "").id());
    startWorker("worker-after-restart");

    awaitAllFinished(ids);
    assertThat(ids).allSatisfy(id -> {
      JobRecord job = jobs.get(id);
      assertThat(job.state()).as(job.reason()).isEqualTo(JobState.SUCCEEDED);
      assertThat(job.attempt()).isEqualTo(1);
    });
    assertThat(Files.readAllLines(runs)).containsExactlyInAnyOrderElementsOf(ids);
    Awaitility.await().until(() -> queue.waiting() == 0);
  }

  @Test
  void jobRunningThroughABrokerRestartCompletesOnce() throws Exception {
    startWorker("worker-through-restart");
    Path go = dir.resolve("go");
    JobRecord running = submit("through-restart",
        "while [ ! -e " + go + " ]; do sleep 0.1; done; ");
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> jobs.get(running.id()).state() == JobState.RUNNING);

    restartBroker();
    Files.createFile(go);
    // A job submitted after the restart reaches the same worker: its consumer reconnected.
    JobRecord after = submit("after-restart", "");

    awaitAllFinished(List.of(running.id(), after.id()));
    for (String id : List.of(running.id(), after.id())) {
      JobRecord job = jobs.get(id);
      assertThat(job.state()).as(job.reason()).isEqualTo(JobState.SUCCEEDED);
      assertThat(job.attempt()).isEqualTo(1);
      assertThat(job.workerId()).isEqualTo("worker-through-restart");
    }
    assertThat(Files.readAllLines(runs)).containsExactlyInAnyOrder(running.id(), after.id());
    Awaitility.await().until(() -> queue.waiting() == 0);
  }

  /** A job that runs {@code script} and then records its id once in {@link #runs}. */
  private JobRecord submit(String name, String script) {
    return jobs.submit(JobSpec.builder(name, List.of("sh", "-c",
        script + "echo $SERVAL_JOB_ID >> " + runs)).build());
  }

  private void startWorker(String id) {
    RabbitMqJobQueue workerQueue = RabbitMqJobQueue.connect(BROKER, queueName);
    workers.add(workerQueue);
    workers.add(JobWorker.builder().jobs(jobs).queue(workerQueue).workerId(id).slots(2)
        .cpuThreads(1).pinCpus(false).heartbeat(Duration.ofMillis(200), null).build().start());
  }

  private void awaitAllFinished(List<String> ids) {
    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> ids.stream().allMatch(id -> jobs.get(id).state().isFinished()));
  }

  /**
   * Stops and starts the RabbitMQ application of the local node, and waits until it takes
   * connections again. It is started even when stopping failed halfway, so that a failing test
   * does not leave the broker down for the tests after it.
   */
  private static void restartBroker() throws Exception {
    try {
      rabbitmqctl("stop_app");
    } finally {
      rabbitmqctl("start_app");
      Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().until(BrokerRestartTest::brokerPortAnswers);
      rabbitmqctl("await_startup");
    }
  }

  private static boolean brokerPortAnswers() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(BROKER.getHost(), BROKER.getPort()), 1000);
      return true;
    }
  }

  private static void rabbitmqctl(String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("rabbitmqctl " + command + " did not return within 120 s");
    }
    assertThat(process.exitValue()).as("rabbitmqctl " + command + " exit status").isZero();
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
