package dev.serval.async.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.async.AsyncKind;
import dev.serval.async.AsyncState;
import dev.serval.async.MutableClock;
import dev.serval.async.Response;
import dev.serval.async.Submission;
import dev.serval.core.ErrorKind;
import dev.serval.store.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims, leases, progress and retention of the store, on an embedded database. */
class AsyncStoreTest {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
  private Database db;
  private AsyncStore nodeA;
  private AsyncStore nodeB;

  @BeforeEach
  void open() {
    db = Database.h2(dir, "async");
    nodeA = new AsyncStore(db, clock, "node-a", LEASE);
    AsyncStore.migrate(db);
    nodeB = new AsyncStore(db, clock, "node-b", LEASE);
  }

  @AfterEach
  void close() {
    db.close();
  }

  static Submission submission(AsyncKind kind, String body) {
    return new Submission(kind, "m", null, "application/json",
        body.getBytes(StandardCharsets.UTF_8), Map.of(), null, null);
  }

  private String insert(String id) {
    nodeA.insert(id, submission(AsyncKind.INFER, "{}"), 1);
    return id;
  }

  @Test
  void onlyOneNodeClaimsARequest() {
    String id = insert("r1");

    assertThat(nodeA.claim(id)).isPresent();
    assertThat(nodeB.claim(id)).isEmpty();
    assertThat(nodeB.claimable(10)).isEmpty();
    assertThat(nodeA.status(id).orElseThrow().state()).isEqualTo(AsyncState.RUNNING);
  }

  @Test
  void takesOverARunningRequestWhoseLeaseExpired() {
    String id = insert("r1");
    nodeA.claim(id);

    clock.advance(LEASE.plusSeconds(1));

    assertThat(nodeB.claimable(10)).containsExactly(id);
    StoredRequest taken = nodeB.claim(id).orElseThrow();
    assertThat(taken.attempts()).isEqualTo(2);
    assertThat(nodeA.succeed(id, new Response(200, "application/json", Map.of(), new byte[0])))
        .as("the node that lost its lease records nothing").isFalse();
  }

  @Test
  void aRenewedLeaseKeepsTheClaim() {
    String id = insert("r1");
    nodeA.claim(id);

    clock.advance(LEASE.minusSeconds(1));
    nodeA.renew(List.of(id));
    clock.advance(Duration.ofSeconds(2));

    assertThat(nodeB.claim(id)).isEmpty();
  }

  @Test
  void releasingAllAtShutdownPutsRunningRequestsBackWithoutCountingAnAttempt() {
    String id = insert("r1");
    nodeA.claim(id);

    assertThat(nodeA.releaseAll()).isEqualTo(1);

    assertThat(nodeA.status(id).orElseThrow().state()).isEqualTo(AsyncState.QUEUED);
    assertThat(nodeB.claim(id).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void aRequeuedRequestWaitsUntilItsTime() {
    String id = insert("r1");
    nodeA.claim(id);

    nodeA.requeue(id, clock.instant().plusSeconds(5));

    assertThat(nodeB.claimable(10)).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    assertThat(nodeB.claimable(10)).containsExactly(id);
  }

  @Test
  void batchProgressIsRecordedOnceAndOnlyByTheOwner() {
    nodeA.insert("b", submission(AsyncKind.BATCH, "{}\n{}\n{}"), 3);
    nodeA.claim("b");

    assertThat(nodeA.progress("b", 0, List.of(bytes("a"), bytes("b")))).isTrue();
    assertThat(nodeA.progress("b", 0, List.of(bytes("a"))))
        .as("the same lines again").isFalse();
    assertThat(nodeB.progress("b", 2, List.of(bytes("c")))).as("not the owner").isFalse();
    assertThat(nodeA.progress("b", 2, List.of(bytes("c")))).isTrue();
    assertThat(nodeA.succeedBatch("b")).isTrue();

    assertThat(nodeA.result("b").orElseThrow().body()).asString(StandardCharsets.UTF_8)
        .isEqualTo("a\nb\nc\n");
    assertThat(nodeA.status("b").orElseThrow().done()).isEqualTo(3);
  }

  @Test
  void aFailedRequestKeepsItsErrorAndHasNoResult() {
    String id = insert("r1");
    nodeA.claim(id);

    nodeA.fail(id, ErrorKind.INVALID_ARGUMENT, "bad input");

    assertThat(nodeA.status(id).orElseThrow())
        .extracting("state", "errorKind", "errorMessage")
        .containsExactly(AsyncState.FAILED, ErrorKind.INVALID_ARGUMENT, "bad input");
    assertThat(nodeA.result(id)).isEmpty();
  }

  @Test
  void deletesOnlyRequestsThatFinishedBeforeTheCutoff() {
    String old = insert("old");
    nodeA.claim(old);
    nodeA.fail(old, ErrorKind.INTERNAL, "x");
    nodeA.release(old);
    clock.advance(Duration.ofHours(1));
    String queued = insert("queued");

    assertThat(nodeA.deleteFinishedBefore(clock.instant().minusSeconds(60))).isEqualTo(1);

    assertThat(nodeA.status(old)).isEmpty();
    assertThat(nodeA.status(queued)).isPresent();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
