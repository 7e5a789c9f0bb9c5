package dev.serval.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InProcessEventBusTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  static Event event(int version) {
    return new Event(Event.VERSION_CREATED, "m", version, Map.of(), "node-a",
        Instant.parse("2025-06-01T12:00:00Z"));
  }

  @Test
  void deliversEveryEventInPublishOrderEvenOnAMultiThreadedExecutor() {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    try (InProcessEventBus bus = InProcessEventBus.builder().executor(pool).build()) {
      bus.subscribe(e -> seen.add(e.version()));

      IntStream.rangeClosed(1, 500).forEach(v -> bus.publish(event(v)));

      await().atMost(WAIT).until(() -> seen.size() == 500);
      assertThat(seen).isEqualTo(IntStream.rangeClosed(1, 500).boxed().toList());
    }
  }

  @Test
  void callsListenersOnABusThreadNotThePublishers() {
    List<Thread> threads = new CopyOnWriteArrayList<>();
    try (InProcessEventBus bus = InProcessEventBus.create()) {
      bus.subscribe(e -> threads.add(Thread.currentThread()));

      bus.publish(event(1));

      await().atMost(WAIT).until(() -> threads.size() == 1);
      assertThat(threads.get(0)).isNotSameAs(Thread.currentThread());
      assertThat(threads.get(0).isDaemon()).isTrue();
    }
  }

  @Test
  void aThrowingListenerDoesNotStopDeliveryToItselfOrOthers() {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    try (InProcessEventBus bus = InProcessEventBus.create()) {
      bus.subscribe(e -> {
        throw new IllegalStateException("listener bug");
      });
      bus.subscribe(e -> seen.add(e.version()));

      bus.publish(event(1));
      bus.publish(event(2));

      await().atMost(WAIT).until(() -> seen.size() == 2);
      assertThat(seen).containsExactly(1, 2);
    }
  }

  @Test
  void closedSubscriptionGetsNoFurtherEvents() {
    List<Integer> closedOne = new CopyOnWriteArrayList<>();
    List<Integer> openOne = new CopyOnWriteArrayList<>();
    try (InProcessEventBus bus = InProcessEventBus.create()) {
      Subscription subscription = bus.subscribe(e -> closedOne.add(e.version()));
      bus.subscribe(e -> openOne.add(e.version()));
      bus.publish(event(1));
      await().atMost(WAIT).until(() -> openOne.size() == 1);

      subscription.close();
      subscription.close();
      bus.publish(event(2));

      await().atMost(WAIT).until(() -> openOne.size() == 2);
      assertThat(closedOne).containsExactly(1);
    }
  }

  @Test
  void dropsAndCountsEventsBeyondCapacityWithoutBlockingThePublisher() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstStarted = new CountDownLatch(1);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    try (InProcessEventBus bus = InProcessEventBus.builder().capacity(2).build()) {
      bus.subscribe(e -> {
        firstStarted.countDown();
        awaitQuietly(release);
        seen.add(e.version());
      });
      bus.publish(event(1));
      assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();

      IntStream.rangeClosed(2, 5).forEach(v -> bus.publish(event(v)));
      release.countDown();

      await().atMost(WAIT).until(() -> seen.size() == 3);
      assertThat(seen).containsExactly(1, 2, 3);
      assertThat(bus.droppedEvents()).isEqualTo(2);
    }
  }

  @Test
  void publishingAfterCloseIsIgnored() {
    InProcessEventBus bus = InProcessEventBus.builder().nodeId("node-a").build();
    bus.close();

    bus.publish(event(1));

    assertThat(bus.nodeId()).isEqualTo("node-a");
    assertThat(bus.droppedEvents()).isZero();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
