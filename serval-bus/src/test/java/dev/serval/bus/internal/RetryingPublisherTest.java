package dev.serval.bus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serval.bus.Event;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryingPublisherTest {
  private static final Duration RETRY = Duration.ofMillis(5);

  private final List<Integer> sent = new CopyOnWriteArrayList<>();

  private static Event event(int version) {
    return new Event(Event.VERSION_CREATED, "m", version, Map.of(), "node-a",
        Instant.parse("2025-06-01T12:00:00Z"));
  }

  @Test
  void retriesAFailingSendAndKeepsTheOrder() {
    AtomicInteger failuresLeft = new AtomicInteger(3);
    RetryingPublisher publisher = new RetryingPublisher("test", 10, RETRY, e -> {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IOException("broker down");
      }
      sent.add(e.version());
    });

    IntStream.rangeClosed(1, 5).forEach(v -> publisher.offer(event(v)));

    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 5);
    assertThat(sent).containsExactly(1, 2, 3, 4, 5);
    assertThat(publisher.dropped()).isZero();
    publisher.close(Duration.ofSeconds(1));
  }

  @Test
  void keepsAtMostCapacityEventsWhileTheBrokerIsDownAndCountsTheRest() {
    AtomicBoolean down = new AtomicBoolean(true);
    RetryingPublisher publisher = new RetryingPublisher("test", 3, RETRY, e -> {
      if (down.get()) {
        throw new IOException("broker down");
      }
      sent.add(e.version());
    });
    publisher.offer(event(1));
    // The first event leaves the queue for the sender; three more fill it.
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.pending() == 0);

    IntStream.rangeClosed(2, 6).forEach(v -> publisher.offer(event(v)));
    down.set(false);

    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 4);
    assertThat(sent).containsExactly(1, 2, 3, 4);
    assertThat(publisher.dropped()).isEqualTo(2);
    publisher.close(Duration.ofSeconds(1));
  }

  @Test
  void closeSendsWhatIsQueued() {
    RetryingPublisher publisher = new RetryingPublisher("test", 100, RETRY, e -> sent.add(
        e.version()));
    IntStream.rangeClosed(1, 50).forEach(v -> publisher.offer(event(v)));

    publisher.close(Duration.ofSeconds(5));

    assertThat(sent).hasSize(50);
  }

  @Test
  void closeGivesUpOnAnUnreachableBrokerAndCountsTheLoss() {
    RetryingPublisher publisher = new RetryingPublisher("test", 100, RETRY, e -> {
      throw new IOException("broker down");
    });
    IntStream.rangeClosed(1, 3).forEach(v -> publisher.offer(event(v)));

    publisher.close(Duration.ofMillis(50));
    publisher.offer(event(4));

    assertThat(publisher.dropped()).isEqualTo(4);
  }
}
