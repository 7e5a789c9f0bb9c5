package dev.serval.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.store.Database;
import java.io.IOException;
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
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 short jobs through RabbitMQ and PostgreSQL with four workers: every job runs to
 * completion exactly once. Prints the throughput (see docs/benchmarks.md).
 */
@Tag("it")
class RabbitMqJobsIT {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final URI BROKER = URI.create("amqp://guest:guest@127.0.0.1:5672");
  private static final int JOBS = 1000;
  private static final int WORKERS = 4;

  @TempDir Path dir;
  private String schema;
  private String queueName;
  private Database db;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void createSchema() throws SQLException {
    schema = "jobs_" + UUID.randomUUID().toString().replace("-", "");
    queueName = "serval.jobs.test." + schema;
    execute("CREATE SCHEMA " + schema);
    db = Database.of(SERVER + "?currentSchema=" + schema, "postgres", "");
  }

  @AfterEach
  void dropSchema() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    try (RabbitMqJobQueue queue = RabbitMqJobQueue.connect(BROKER, queueName)) {
      queue.delete();
    }
    db.close();
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  private <T extends AutoCloseable> T keep(T resource) {
    open.add(resource);
    return resource;
  }

  @Test
  void thousandJobsCompleteOnceEachWithFourWorkers() throws IOException {
    RabbitMqJobQueue submitQueue = keep(RabbitMqJobQueue.connect(BROKER, queueName));
    Jobs jobs = keep(Jobs.builder().database(db).jobsDir(dir.resolve("jobs"))
        .queue(submitQueue).build());
    Path marker = dir.resolve("runs.txt");
    for (int i = 0; i < WORKERS; i++) {
      RabbitMqJobQueue queue = keep(RabbitMqJobQueue.connect(BROKER, queueName));
      keep(JobWorker.builder().jobs(jobs).queue(queue).cpuThreads(1).pinCpus(false)
          .workerId("worker-" + i).build().start());
    }

    long start = System.nanoTime();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      ids.add(jobs.submit(JobSpec.builder("short-" + i, List.of("sh", "-c",
          "echo $SERVAL_JOB_ID >> " + marker)).build()).id());
    }
    long submitted = System.nanoTime();
    Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> jobs.list(JobState.SUCCEEDED, Jobs.MAX_LIMIT, null).jobs().size() == JOBS);
    long done = System.nanoTime();

    List<String> runs = Files.readAllLines(marker);
    Map<String, Long> perJob = runs.stream().collect(Collectors.groupingBy(Function.identity(),
        Collectors.counting()));
    assertThat(perJob.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(runs).hasSize(JOBS);
    assertThat(ids).allSatisfy(id -> assertThat(jobs.get(id).attempt()).isEqualTo(1));
    System.out.printf("jobs-throughput: %d jobs, %d workers: submitted in %.1f s (%.0f/s),"
        + " all SUCCEEDED after %.1f s (%.0f jobs/s), runs per job max %d%n", JOBS, WORKERS,
        (submitted - start) / 1e9, JOBS / ((submitted - start) / 1e9), (done - start) / 1e9,
        JOBS / ((done - start) / 1e9), perJob.values().stream().mapToLong(Long::longValue).max()
            .orElse(0));
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
