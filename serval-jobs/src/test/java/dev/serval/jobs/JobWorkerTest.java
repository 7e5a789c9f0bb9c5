package dev.serval.jobs;

import static dev.serval.jobs.JobFixture.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serval.jobs.internal.JobRows;
import dev.serval.jobs.internal.ProcessTree;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.VersionState;
import dev.serval.runtime.onnx.SampleModels;
import dev.serval.store.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs run by a worker on the embedded queue, as real child processes. */
class JobWorkerTest {
  @TempDir Path dir;
  private JobFixture fixture;
  private Jobs jobs;

  @BeforeEach
  void start() {
    fixture = new JobFixture(dir);
    jobs = fixture.jobs;
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void succeededJobKeepsItsLogAndMetrics() {
    fixture.worker(w -> { });
    JobRecord job = jobs.submit(shell("metrics", "echo hello {who}; echo serval.metric loss 0.5;"
        + " echo serval.metric loss 0.25; echo serval.metric acc 0.9 10;"
        + " echo 'f1 0.7 3' > \"$SERVAL_METRICS_FILE\"").param("who", "world").build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.exitCode()).isZero();
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(fixture.log(job.id(), null)).startsWith("hello world\n");
    assertThat(jobs.metrics(job.id(), null)).extracting(p -> p.name() + "@" + p.step() + "="
        + p.value()).containsExactly("acc@10=0.9", "f1@3=0.7", "loss@0=0.5", "loss@1=0.25");
  }

  @Test
  void failedJobIsRetriedAsItsPolicySaysThenFails() {
    fixture.worker(w -> { });
    JobRecord job = jobs.submit(shell("flaky", "echo attempt $SERVAL_ATTEMPT; exit 3")
        .retries(2, Duration.ZERO).build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).isEqualTo(JobState.FAILED);
    assertThat(done.exitCode()).isEqualTo(3);
    assertThat(done.reason()).isEqualTo("exited with code 3");
    assertThat(done.attempt()).isEqualTo(3);
    assertThat(fixture.log(job.id(), 1)).isEqualTo("attempt 1\n");
    assertThat(fixture.log(job.id(), 3)).isEqualTo("attempt 3\n");
  }

  @Test
  void retrySucceedsWhenALaterAttemptDoes() {
    fixture.worker(w -> { });
    JobRecord job = jobs.submit(shell("second-time", "test \"$SERVAL_ATTEMPT\" -ge 2")
        .retries(3, Duration.ofMillis(50)).build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(2);
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws IOException {
    fixture.worker(w -> { });
    Path pids = dir.resolve("pids");
    JobRecord job = jobs.submit(shell("slow", "sleep 300 & echo $! > " + pids
        + "; echo $$ >> " + pids + "; wait").timeout(Duration.ofSeconds(1)).build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).as(done.reason()).isEqualTo(JobState.TIMED_OUT);
    assertThat(done.reason()).contains("timed out after PT1S");
    assertAllDead(pids);
  }

  @Test
  void cancelStopsARunningJobAndItsChildren() throws IOException {
    fixture.worker(w -> { });
    Path pids = dir.resolve("pids");
    JobRecord job = jobs.submit(shell("long", "sleep 300 & echo $! > " + pids
        + "; echo $$ >> " + pids + "; wait").build());
    await().until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);

    jobs.cancel(job.id());
    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).isEqualTo(JobState.CANCELLED);
    assertThat(done.reason()).isEqualTo("cancelled while running");
    assertAllDead(pids);
    assertThatThrownBy(() -> jobs.cancel(job.id()))
        .isInstanceOf(JobStateException.class).hasMessageContaining("already finished");
  }

  @Test
  void queuedJobIsCancelledAtOnce() {
    JobRecord job = jobs.submit(shell("never", "true").build());

    assertThat(jobs.cancel(job.id()).state()).isEqualTo(JobState.CANCELLED);
    fixture.worker(w -> { });
    assertThat(jobs.get(job.id()).attempt()).isZero();
  }

  @Test
  void missingProgramFailsWithoutRetryAndSaysSo() {
    fixture.worker(w -> { });
    JobRecord job = jobs.submit(JobSpec.builder("missing", List.of("no-such-program-x", "a"))
        .retries(2, Duration.ZERO).build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).isEqualTo(JobState.FAILED);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.reason()).contains("program 'no-such-program-x' was not found on the"
        + " worker's PATH");
    assertThat(fixture.log(job.id(), null)).contains("was not found");
  }

  @Test
  void outputModelIsPushedWithLineageToTheJob() throws IOException {
    fixture.worker(w -> { });
    Path model = dir.resolve("mlp.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 1), model);
    JobRecord job = jobs.submit(shell("train", "cp " + model + " {output_dir}/{name}.onnx")
        .param("name", "mlp").outputModel("trained", "{output_dir}/{name}.onnx").build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).as(done.reason()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.outputs()).containsExactly(new PublishedModel("trained", 1));
    VersionRecord version = fixture.registry.getVersion("trained", 1);
    assertThat(version.state()).isEqualTo(VersionState.READY);
    assertThat(version.lineage().jobId()).isEqualTo(job.id());
    assertThat(version.lineage().transform()).isEqualTo("job");
    assertThat(version.lineage().settingsJson()).contains("\"params\":{\"name\":\"mlp\"}");
    assertThat(version.tags()).containsEntry("job", job.id());
  }

  @Test
  void lineageFileOfTheJobNamesTheParentTransformAndSettings() throws IOException {
    fixture.worker(w -> { });
    Path model = dir.resolve("mlp.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 1), model);
    Path lineage = Files.writeString(dir.resolve("lineage.json"), "{\"parent_model\":"
        + " \"teacher\", \"parent_version\": 2, \"transform\": \"distillation\","
        + " \"settings\": {\"temperature\": 4}}");
    JobRecord job = jobs.submit(shell("distil", "cp " + model + " {output_dir}/m.onnx; cp "
        + lineage + " {output_dir}/lineage.json")
        .outputModel(new OutputModel("student", "{output_dir}/m.onnx", "{output_dir}/lineage.json"))
        .build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).as(done.reason()).isEqualTo(JobState.SUCCEEDED);
    VersionRecord version = fixture.registry.getVersion("student", 1);
    assertThat(version.lineage().parentModel()).isEqualTo("teacher");
    assertThat(version.lineage().parentVersion()).isEqualTo(2);
    assertThat(version.lineage().transform()).isEqualTo("distillation");
    assertThat(version.lineage().jobId()).isEqualTo(job.id());
    assertThat(version.lineage().settingsJson()).contains("\"temperature\":4",
        "\"job\":{\"job\":\"" + job.id() + "\"");
  }

  @Test
  void malformedLineageFileFailsTheJob() throws IOException {
    fixture.worker(w -> { });
    Path model = dir.resolve("mlp.onnx");
    SampleModels.write(SampleModels.mlp(4, new int[] {8}, 3, 1), model);
    Path lineage = Files.writeString(dir.resolve("l.json"), "{\"parent\": 1}");
    JobRecord job = jobs.submit(shell("bad-lineage", "cp " + model + " {output_dir}/m.onnx; cp "
        + lineage + " {output_dir}/l.json")
        .outputModel(new OutputModel("bad-lineage", "{output_dir}/m.onnx", "{output_dir}/l.json"))
        .build());

    assertThat(fixture.awaitFinished(job.id()).reason())
        .contains("must be a JSON object with parent_model, parent_version");
  }

  @Test
  void programOfTheWorkerRunsInPlaceOfTheJobsFirstArgument() {
    fixture.worker(w -> w.program("builtin", List.of("echo", "run by the worker:")));
    JobRecord job = jobs.submit(JobSpec.builder("builtin", List.of("builtin", "{x}"))
        .param("x", "42").build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).as(done.reason()).isEqualTo(JobState.SUCCEEDED);
    assertThat(fixture.log(job.id(), null)).isEqualTo("run by the worker: 42\n");
  }

  @Test
  void outputThatIsNotAModelFailsTheJob() {
    fixture.worker(w -> { });
    JobRecord job = jobs.submit(shell("junk", "echo junk > {output_dir}/m.onnx")
        .outputModel("junk", "{output_dir}/m.onnx").build());

    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).isEqualTo(JobState.FAILED);
    assertThat(done.reason()).contains("output model 'junk' (m.onnx) is not a valid model");
  }

  @Test
  void missingOutputFailsTheJob() {
    fixture.worker(w -> { });
    JobRecord job = jobs.submit(shell("lazy", "true").outputModel("lazy", "model.onnx").build());

    assertThat(fixture.awaitFinished(job.id()).reason())
        .contains("output model 'lazy': the job did not write");
  }

  @Test
  void outputLinkLeadingOutsideTheJobIsRefused() throws IOException {
    fixture.worker(w -> { });
    Path secret = Files.writeString(dir.resolve("secret.onnx"), "secret");
    JobRecord job = jobs.submit(shell("escape", "ln -s " + secret + " {output_dir}/m.onnx")
        .outputModel("escape", "{output_dir}/m.onnx").build());

    assertThat(fixture.awaitFinished(job.id()).reason())
        .contains("leads outside the job's work and output folders");
  }

  @Test
  void outputFolderOverTheLimitFailsTheJob() {
    fixture.worker(w -> w.maxOutputBytes(1000));
    JobRecord job = jobs.submit(shell("big", "head -c 5000 /dev/zero > {output_dir}/blob")
        .build());

    assertThat(fixture.awaitFinished(job.id()).reason())
        .contains("output folder holds 5000 bytes, over the limit of 1000");
  }

  @Test
  void jobSeesItsCpuBudgetAndEnvironment() {
    fixture.worker(w -> w.cpuThreads(1));
    JobRecord job = jobs.submit(shell("env", "echo $OMP_NUM_THREADS $MKL_NUM_THREADS $GREETING;"
        + " echo $JAVA_TOOL_OPTIONS; pwd").env("GREETING", "hi").build());

    fixture.awaitFinished(job.id());

    assertThat(fixture.log(job.id(), null)).startsWith("1 1 hi\n-XX:ActiveProcessorCount=1\n")
        .contains(jobs.folder(job.id()).resolve("work").toString());
  }

  @Test
  void jobOfALostWorkerIsRunAgainByAnother() {
    JobRecord job = jobs.submit(shell("orphan", "echo run $SERVAL_ATTEMPT").build());
    // A worker that claims the job and dies at once: it never heartbeats.
    jobs.database().transaction(c -> {
      JobRows.claim(c, job.id(), "dead-worker", jobs.clock().instant());
      return Sql.update(c, "UPDATE job_jobs SET heartbeat_at = ? WHERE id = ?",
          jobs.clock().instant().minusSeconds(600), job.id());
    });

    fixture.worker(w -> { });
    JobRecord done = fixture.awaitFinished(job.id());

    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(fixture.log(job.id(), 2)).isEqualTo("run 2\n");
  }

  @Test
  void lateResultOfATakenOverAttemptIsIgnored() {
    JobRecord job = jobs.submit(shell("twice", "true").build());
    Integer first = jobs.database().transaction(c -> JobRows.claim(c,
        job.id(), "w1", jobs.clock().instant())).orElseThrow();
    jobs.database().transaction(c -> JobRows.release(c, job.id(), first,
        "moved", jobs.clock().instant()));
    Integer second = jobs.database().transaction(c -> JobRows.claim(c,
        job.id(), "w2", jobs.clock().instant())).orElseThrow();

    boolean lateFinish = jobs.database().transaction(c -> JobRows.finish(
        c, job.id(), first, JobState.SUCCEEDED, "", 0, jobs.clock().instant()));
    boolean ownFinish = jobs.database().transaction(c -> JobRows.finish(
        c, job.id(), second, JobState.FAILED, "exited with code 1", 1, jobs.clock().instant()));
    boolean again = jobs.database().transaction(c -> JobRows.finish(
        c, job.id(), second, JobState.SUCCEEDED, "", 0, jobs.clock().instant()));

    assertThat(lateFinish).isFalse();
    assertThat(ownFinish).isTrue();
    assertThat(again).isFalse();
    assertThat(jobs.get(job.id()).state()).isEqualTo(JobState.FAILED);
  }

  @Test
  void listsNewestFirstByPageAndState() {
    for (int i = 0; i < 5; i++) {
      jobs.submit(shell("n" + i, "true").build());
    }
    Jobs.Page first = jobs.list(null, 2, null);
    Jobs.Page second = jobs.list(null, 2, first.next());

    assertThat(first.jobs()).extracting(j -> j.spec().name()).containsExactly("n4", "n3");
    assertThat(second.jobs()).extracting(j -> j.spec().name()).containsExactly("n2", "n1");
    assertThat(jobs.list(JobState.SUCCEEDED, 10, null).jobs()).isEmpty();
    assertThatThrownBy(() -> jobs.get("0123456789abcdef"))
        .isInstanceOf(JobNotFoundException.class);
  }

  private static void assertAllDead(Path pids) throws IOException {
    List<Long> ids = Files.readAllLines(pids).stream().map(String::trim).map(Long::parseLong)
        .toList();
    assertThat(ids).hasSize(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream()
        .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false)));
  }
}
