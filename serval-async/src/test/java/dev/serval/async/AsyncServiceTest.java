package dev.serval.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.serval.core.ErrorKind;
import dev.serval.core.InvalidInputException;
import dev.serval.core.QueueFullException;
import dev.serval.core.TooManyRequestsException;
import dev.serval.store.Database;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service end to end on an embedded database, with a handler that upper-cases the body (the
 * server's real handler is tested through its API), a failing word and a busy word.
 */
class AsyncServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Database db;
  private final List<AsyncService> services = new ArrayList<>();
  /** Bodies the handler saw, in order. */
  private final List<String> handled = new CopyOnWriteArrayList<>();
  /** Bodies for which the handler answers "busy" this many more times. */
  private final Map<String, AtomicInteger> busy = new ConcurrentHashMap<>();
  /** Bodies whose answer the handler holds back until the test completes it. */
  private final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();

  @BeforeEach
  void open() {
    db = Database.h2(dir, "async");
  }

  @AfterEach
  void close() {
    services.forEach(AsyncService::close);
    db.close();
  }

  private CompletableFuture<Response> handle(Invocation invocation) {
    String body = new String(invocation.body(), StandardCharsets.UTF_8);
    handled.add(body);
    AtomicInteger refusals = busy.get(body);
    if (refusals != null && refusals.getAndDecrement() > 0) {
      throw new QueueFullException("queue full", Duration.ofMillis(10));
    }
    if (body.contains("bad")) {
      return CompletableFuture.failedFuture(new InvalidInputException("line says bad"));
    }
    Response answer = new Response(200, "application/json", Map.of("x-len", "1"),
        ("\"" + body.toUpperCase(Locale.ROOT) + "\"").getBytes(StandardCharsets.UTF_8));
    return held.getOrDefault(body, CompletableFuture.completedFuture(null))
        .thenApply(ignored -> answer);
  }

  static Response render(ErrorKind kind, String message) {
    int status = kind == ErrorKind.INVALID_ARGUMENT ? 400 : 500;
    return new Response(status, "application/json", Map.of(),
        ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private AsyncService service(Consumer<AsyncService.Builder> settings) {
    AsyncService.Builder builder = AsyncService.builder()
        .database(db)
        .handler(this::handle)
        .failures(AsyncServiceTest::render)
        .pollInterval(Duration.ofMillis(50))
        .retryDelay(Duration.ofMillis(20));
    settings.accept(builder);
    AsyncService service = builder.build();
    services.add(service);
    return service;
  }

  private static Submission request(AsyncKind kind, String body, String callbackUrl) {
    return new Submission(kind, "m", "production", "application/json",
        body.getBytes(StandardCharsets.UTF_8), Map.of(), null, callbackUrl);
  }

  private static AsyncStatus awaitFinished(AsyncService service, String id) {
    await().atMost(WAIT).until(() -> service.status(id).state().isFinished());
    return service.status(id);
  }

  private static String text(Response response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void runsASubmittedRequestAndKeepsItsAnswer() {
    AsyncService service = service(b -> {}).start();

    AsyncStatus accepted = service.submit(request(AsyncKind.INFER, "hello", null));

    assertThat(accepted.state()).isEqualTo(AsyncState.QUEUED);
    assertThat(awaitFinished(service, accepted.id()).state()).isEqualTo(AsyncState.SUCCEEDED);
    Response answer = service.result(accepted.id()).orElseThrow();
    assertThat(text(answer)).isEqualTo("\"HELLO\"");
    assertThat(answer.headers()).containsEntry("x-len", "1");
    assertThat(service.status(accepted.id()).startedAt()).isNotNull();
  }

  @Test
  void aFailedRequestKeepsTheErrorKindAndMessage() {
    AsyncService service = service(b -> {}).start();

    String id = service.submit(request(AsyncKind.INFER, "bad", null)).id();

    AsyncStatus failed = awaitFinished(service, id);
    assertThat(failed.state()).isEqualTo(AsyncState.FAILED);
    assertThat(failed.errorKind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    assertThat(failed.errorMessage()).isEqualTo("line says bad");
  }

  @Test
  void aRequestQueuedBeforeAStopRunsAfterTheRestart() {
    AsyncService first = service(b -> {});
    String id = first.submit(request(AsyncKind.INFER, "later", null)).id();
    first.close();

    AsyncService second = service(b -> {}).start();

    assertThat(awaitFinished(second, id).state()).isEqualTo(AsyncState.SUCCEEDED);
    assertThat(text(second.result(id).orElseThrow())).isEqualTo("\"LATER\"");
  }

  @Test
  void aRequestRefusedForLoadIsRunAgainLater() {
    busy.put("crowded", new AtomicInteger(2));
    AsyncService service = service(b -> {}).start();

    String id = service.submit(request(AsyncKind.INFER, "crowded", null)).id();

    assertThat(awaitFinished(service, id).state()).isEqualTo(AsyncState.SUCCEEDED);
    assertThat(handled).containsExactly("crowded", "crowded", "crowded");
  }

  @Test
  void aRequestRefusedMoreThanTheAttemptsFailsWithTheRefusal() {
    busy.put("jammed", new AtomicInteger(100));
    AsyncService service = service(b -> b.maxAttempts(2)).start();

    String id = service.submit(request(AsyncKind.INFER, "jammed", null)).id();

    AsyncStatus failed = awaitFinished(service, id);
    assertThat(failed.errorKind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED);
    assertThat(handled).hasSize(2);
  }

  @Test
  void refusesSubmissionsOnceTheBacklogIsFull() {
    AsyncService service = service(b -> b.maxBacklog(2).retryDelay(Duration.ofSeconds(3)));
    service.submit(request(AsyncKind.INFER, "a", null));
    service.submit(request(AsyncKind.INFER, "b", null));

    assertThatThrownBy(() -> service.submit(request(AsyncKind.INFER, "c", null)))
        .isInstanceOf(TooManyRequestsException.class)
        .hasMessageContaining("2 unfinished")
        .extracting(e -> ((TooManyRequestsException) e).retryAfter())
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void refusesAReplyQueueWithoutABroker() {
    AsyncService service = service(b -> {});
    Submission withQueue = new Submission(AsyncKind.INFER, "m", null, "application/json",
        new byte[0], Map.of(), "results", null);

    assertThatThrownBy(() -> service.submit(withQueue))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("reply_to")
        .hasMessageContaining("--broker");
  }

  @Test
  void aBatchAnswersEachLineInOrderWithAnErrorLineForABadOne() {
    AsyncService service = service(b -> b.batchSize(2)).start();

    String id = service.submit(request(AsyncKind.BATCH, "a\nbad\n\nc\r\nd\n", null)).id();

    AsyncStatus done = awaitFinished(service, id);
    assertThat(done.state()).isEqualTo(AsyncState.SUCCEEDED);
    assertThat(done.done()).isEqualTo(4);
    assertThat(done.total()).isEqualTo(4);
    Response answer = service.result(id).orElseThrow();
    assertThat(answer.contentType()).isEqualTo(AsyncService.JSON_LINES);
    assertThat(text(answer))
        .isEqualTo("\"A\"\n{\"error\":\"line says bad\"}\n\"C\"\n\"D\"\n");
  }

  @Test
  void aBatchResumesAfterARestartWithoutRedoingFinishedLines() {
    held.put("c", new CompletableFuture<>());
    AsyncService first = service(b -> b.batchSize(2)).start();
    String id = first.submit(request(AsyncKind.BATCH, "a\nb\nc\nd\ne", null)).id();
    await().atMost(WAIT).until(() -> first.status(id).done() == 2 && handled.contains("c"));
    first.close();
    held.get("c").complete(null);

    AsyncService second = service(b -> b.batchSize(2)).start();

    assertThat(awaitFinished(second, id).state()).isEqualTo(AsyncState.SUCCEEDED);
    assertThat(text(second.result(id).orElseThrow()))
        .isEqualTo("\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n");
    assertThat(handled).filteredOn(line -> line.equals("a") || line.equals("b")).hasSize(2);
  }

  @Test
  void refusesAnEmptyBatch() {
    AsyncService service = service(b -> {});

    assertThatThrownBy(() -> service.submit(request(AsyncKind.BATCH, "\n \n", null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no lines");
  }

  @Test
  void deletingCancelsAQueuedRequestAndUnknownIdsAreNotFound() {
    AsyncService service = service(b -> {});
    String id = service.submit(request(AsyncKind.INFER, "x", null)).id();

    service.delete(id);

    assertThatThrownBy(() -> service.status(id))
        .isInstanceOf(AsyncRequestNotFoundException.class);
    assertThatThrownBy(() -> service.delete(id))
        .isInstanceOf(AsyncRequestNotFoundException.class);
  }

  @Test
  void cleanUpDeletesResultsOnlyAfterTheRetentionPeriod() {
    MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
    AsyncService service = service(b -> b.clock(clock).retention(Duration.ofHours(24))).start();
    String id = service.submit(request(AsyncKind.INFER, "x", null)).id();
    awaitFinished(service, id);

    clock.advance(Duration.ofHours(23));
    assertThat(service.cleanUp()).isZero();
    clock.advance(Duration.ofHours(2));
    assertThat(service.cleanUp()).isEqualTo(1);

    assertThatThrownBy(() -> service.status(id))
        .isInstanceOf(AsyncRequestNotFoundException.class);
  }

  @Test
  void postsTheAnswerToTheCallbackRetryingUntilItIsTaken() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    callback.createContext("/done", exchange -> {
      int call = calls.incrementAndGet();
      received.add(exchange.getRequestHeaders().getFirst(AsyncService.HEADER_ID) + " "
          + exchange.getRequestHeaders().getFirst(AsyncService.HEADER_STATE) + " "
          + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(call == 1 ? 503 : 204, -1);
      exchange.close();
    });
    callback.start();
    try {
      AsyncService service = service(b -> {}).start();
      String url = "http://127.0.0.1:" + callback.getAddress().getPort() + "/done";

      String id = service.submit(request(AsyncKind.INFER, "hi", url)).id();

      await().atMost(WAIT).until(
          () -> service.status(id).callbackState() == DeliveryState.DELIVERED);
      assertThat(service.status(id).callbackAttempts()).isEqualTo(2);
      assertThat(received).containsExactly(id + " SUCCEEDED \"HI\"", id + " SUCCEEDED \"HI\"");
    } finally {
      callback.stop(0);
    }
  }

  @Test
  void recordsACallbackThatNeverSucceeds() {
    AsyncService service = service(b -> b.deliveryAttempts(2)).start();

    String id = service.submit(request(AsyncKind.INFER, "bad", "http://127.0.0.1:1/x")).id();

    await().atMost(WAIT).until(() -> service.status(id).callbackState() == DeliveryState.FAILED);
    AsyncStatus status = service.status(id);
    assertThat(status.callbackAttempts()).isEqualTo(2);
    assertThat(status.callbackError()).contains("http://127.0.0.1:1/x");
  }

  @Test
  void rejectsACallbackUrlThatIsNotHttp() {
    assertThatThrownBy(() -> request(AsyncKind.INFER, "x", "ftp://host/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'ftp://host/x'");
  }
}
