package dev.serval.async.internal;

import dev.serval.async.AsyncHandler;
import dev.serval.async.AsyncKind;
import dev.serval.async.AsyncState;
import dev.serval.async.AsyncStatus;
import dev.serval.async.FailureRenderer;
import dev.serval.async.Invocation;
import dev.serval.async.Response;
import dev.serval.core.ErrorKind;
import dev.serval.core.ServalException;
import dev.serval.core.TooManyRequestsException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims requests from the store and works on them, at most {@code maxInFlight} at a time: runs a
 * single request through the handler, a batch line by line in micro-batches (recording each
 * micro-batch's answers with the progress), then delivers the result. Passing refusals (a full
 * queue, a model not ready) put the request back in the queue to run again later.
 */
public final class Runner {
  /** Headers sent with delivered answers. */
  public static final String HEADER_ID = "serval-async-id";
  public static final String HEADER_STATE = "serval-async-state";
  public static final String HEADER_STATUS = "serval-async-status";

  private static final Logger log = LoggerFactory.getLogger(Runner.class);
  private static final String JSON = "application/json";

  private final AsyncStore store;
  private final AsyncHandler handler;
  private final FailureRenderer failures;
  private final Deliveries deliveries;
  private final Executor executor;
  private final Clock clock;
  private final Settings settings;
  private final Set<String> active = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean pollPending = new AtomicBoolean();
  private final Object pollLock = new Object();
  /** Claims only between start and close. */
  private volatile boolean open;

  /**
   * @param maxInFlight requests worked on at once by this node
   * @param batchSize lines of a batch sent to the model before their answers are recorded
   * @param maxAttempts runs of one request before a passing refusal counts as its failure
   * @param retryDelay how long a refused request waits when the refusal names no time
   */
  public record Settings(int maxInFlight, int batchSize, int maxAttempts, Duration retryDelay) {}

  public Runner(AsyncStore store, AsyncHandler handler, FailureRenderer failures,
      Deliveries deliveries, Executor executor, Clock clock, Settings settings) {
    this.store = store;
    this.handler = handler;
    this.failures = failures;
    this.deliveries = deliveries;
    this.executor = executor;
    this.clock = clock;
    this.settings = settings;
  }

  /** Ids of the requests this node works on, whose claims it must keep renewing. */
  public Set<String> active() {
    return Set.copyOf(active);
  }

  /** Asks for a poll soon on the executor; several asks before it runs make one poll. */
  public void wake() {
    if (open && pollPending.compareAndSet(false, true)) {
      executor.execute(() -> {
        pollPending.set(false);
        pollQuietly();
      });
    }
  }

  /** Claims what there is room for and starts working on it. */
  public void poll() {
    synchronized (pollLock) {
      int room = settings.maxInFlight() - active.size();
      if (!open || room <= 0) {
        return;
      }
      for (String id : store.claimable(room)) {
        if (active.size() >= settings.maxInFlight()) {
          return;
        }
        if (!active.contains(id)) {
          store.claim(id).ifPresent(this::start);
        }
      }
    }
  }

  public void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      // The next scheduled poll tries again; the database may be briefly unreachable.
      log.warn("Polling for asynchronous requests failed: {}", e.getMessage());
    }
  }

  /** Starts claiming work. */
  public void open() {
    open = true;
    wake();
  }

  /** Stops claiming; work in flight finds its claim gone and changes nothing. */
  public void close() {
    open = false;
  }

  private void start(StoredRequest r) {
    active.add(r.id());
    CompletableFuture<Void> work;
    try {
      work = r.state() == AsyncState.RUNNING ? run(r) : deliver(r);
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    work.whenComplete((ignored, failure) -> {
      if (failure != null) {
        log.warn("Asynchronous request {} stopped: {}", r.id(), failure.getMessage());
      }
      active.remove(r.id());
      wake();
    });
  }

  private CompletableFuture<Void> run(StoredRequest r) {
    if (r.attempts() > settings.maxAttempts()) {
      return finished(r, store.fail(r.id(), ErrorKind.INTERNAL, "the request was started "
          + (r.attempts() - 1) + " times without finishing (the server stopped each time); it"
          + " was given up so that it cannot stop the server again"));
    }
    if (r.kind() == AsyncKind.BATCH) {
      return batch(r, BatchLines.split(r.body()), r.done());
    }
    return handle(r.invocation()).thenComposeAsync(outcome -> {
      if (!open) {
        return CompletableFuture.completedFuture(null);
      }
      if (outcome.isPassing() && r.attempts() < settings.maxAttempts()) {
        return requeue(r, outcome.failure);
      }
      boolean mine = outcome.answer != null ? store.succeed(r.id(), outcome.answer)
          : store.fail(r.id(), outcome.kind(), outcome.message());
      return finished(r, mine);
    }, executor);
  }

  private CompletableFuture<Void> batch(StoredRequest r, List<byte[]> lines, int from) {
    if (from >= lines.size()) {
      return finished(r, store.succeedBatch(r.id()));
    }
    List<byte[]> chunk = lines.subList(from, Math.min(lines.size(), from + settings.batchSize()));
    List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
    for (byte[] line : chunk) {
      outcomes.add(handle(r.invocation(JSON, line)));
    }
    return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
        .thenComposeAsync(all -> {
          List<byte[]> answers = new ArrayList<>();
          for (CompletableFuture<Outcome> outcome : outcomes) {
            Outcome done = outcome.join();
            if (done.isPassing() && r.attempts() < settings.maxAttempts()) {
              return requeue(r, done.failure);
            }
            answers.add(line(done));
          }
          if (!open || !store.progress(r.id(), from, answers)) {
            return CompletableFuture.completedFuture(null);
          }
          return batch(r, lines, from + answers.size());
        }, executor);
  }

  /** One line of a batch's result: the answer, or the error a synchronous call would give. */
  private byte[] line(Outcome outcome) {
    if (outcome.answer == null) {
      return failures.render(outcome.kind(), outcome.message()).body();
    }
    if (!outcome.answer.contentType().toLowerCase(Locale.ROOT).startsWith(JSON)) {
      return failures.render(ErrorKind.INVALID_ARGUMENT, "a batch line must ask for JSON outputs"
          + " but asked for " + outcome.answer.contentType() + "; remove binary_data_output and"
          + " the outputs' binary_data parameters").body();
    }
    return outcome.answer.body();
  }

  private CompletableFuture<Void> requeue(StoredRequest r, ServalException refusal) {
    Duration wait = refusal instanceof TooManyRequestsException busy && busy.retryAfter() != null
        ? busy.retryAfter() : settings.retryDelay();
    store.requeue(r.id(), clock.instant().plus(wait));
    return CompletableFuture.completedFuture(null);
  }

  /** After the request's result is stored: deliver it, or give up the claim. */
  private CompletableFuture<Void> finished(StoredRequest r, boolean mine) {
    if (!mine) {
      return CompletableFuture.completedFuture(null);
    }
    return deliver(r);
  }

  private CompletableFuture<Void> deliver(StoredRequest r) {
    AsyncStatus status = store.status(r.id()).orElse(null);
    if (status == null || r.callbackUrl() == null && r.replyTo() == null) {
      if (status != null) {
        store.release(r.id());
      }
      return CompletableFuture.completedFuture(null);
    }
    Response answer = answer(status);
    Map<String, String> headers = Map.of(HEADER_ID, r.id(), HEADER_STATE, status.state().name(),
        HEADER_STATUS, Integer.toString(answer.status()));
    return deliveries.deliver(r, answer, headers)
        .thenRunAsync(() -> store.release(r.id()), executor);
  }

  private Response answer(AsyncStatus status) {
    if (status.state() == AsyncState.SUCCEEDED) {
      return store.result(status.id()).orElseThrow();
    }
    return failures.render(status.errorKind(), status.errorMessage());
  }

  /** Calls the handler; never completes exceptionally. */
  private CompletableFuture<Outcome> handle(Invocation invocation) {
    CompletableFuture<Response> answer;
    try {
      answer = handler.handle(invocation);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle((response, failure) -> failure == null
        ? new Outcome(response, null) : new Outcome(null, domainError(failure)));
  }

  private static ServalException domainError(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof ServalException serval) {
      return serval;
    }
    log.error("Unexpected failure of an asynchronous inference", cause);
    return new InternalFailure();
  }

  /** An answer, or the error instead of one. */
  private record Outcome(Response answer, ServalException failure) {
    boolean isPassing() {
      return failure != null && (failure.kind() == ErrorKind.RESOURCE_EXHAUSTED
          || failure.kind() == ErrorKind.UNAVAILABLE);
    }

    ErrorKind kind() {
      return failure.kind();
    }

    String message() {
      return failure.getMessage();
    }
  }

  /** What the synchronous API answers for an unexpected failure, too. */
  private static final class InternalFailure extends ServalException {
    private static final long serialVersionUID = 1L;

    InternalFailure() {
      super("internal server error");
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.INTERNAL;
    }
  }
}
