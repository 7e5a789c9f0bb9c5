package dev.serval.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Against the local RabbitMQ (guest/guest on 127.0.0.1:5672). */
@Tag("it")
class RabbitMqEventBusBrokerTest {
  private static final URI BROKER = URI.create("amqp://guest:guest@127.0.0.1:5672");

  private final List<RabbitMqEventBus> buses = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeBuses() {
    buses.forEach(RabbitMqEventBus::close);
  }

  private RabbitMqEventBus connect(String nodeId) {
    RabbitMqEventBus bus = RabbitMqEventBus.connect(
        BROKER, RabbitMqEventBus.Settings.builder().nodeId(nodeId).build());
    buses.add(bus);
    warmUp(bus);
    return bus;
  }

  /**
   * One round trip first, so that the timed delivery measures the bus and not the JVM loading
   * and compiling the JSON and AMQP code, which takes seconds on a busy machine.
   */
  static void warmUp(EventBus bus) {
    String model = "warm-up-" + System.nanoTime();
    List<Event> back = received(bus, model);
    bus.publish(event(bus.nodeId(), model, 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> !back.isEmpty());
  }

  static Event event(String origin, String model, int version) {
    return new Event(Event.ALIAS_MOVED, model, version, Map.of("alias", "production"), origin,
        Instant.parse("2025-06-01T12:00:00.5Z"));
  }

  @Test
  void eventPublishedOnOneNodeArrivesOnTheOtherAndBackAtItsOrigin() {
    RabbitMqEventBus a = connect("node-a");
    RabbitMqEventBus b = connect("node-b");
    String model = "m-" + System.nanoTime();
    List<Event> onA = received(a, model);
    List<Event> onB = received(b, model);

    Event sent = event(a.nodeId(), model, 1);
    a.publish(sent);

    await().atMost(Duration.ofSeconds(1)).until(() -> onA.size() == 1 && onB.size() == 1);
    assertThat(onB).containsExactly(sent);
    assertThat(onA.get(0).origin()).isEqualTo(a.nodeId());
  }

  @Test
  void eachPublishersEventsArriveInOrder() {
    RabbitMqEventBus a = connect("node-a");
    RabbitMqEventBus b = connect("node-b");
    String model = "m-" + System.nanoTime();
    List<Event> onB = received(b, model);

    IntStream.rangeClosed(1, 100).forEach(v -> a.publish(event(a.nodeId(), model, v)));

    await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() == 100);
    assertThat(onB.stream().map(Event::version))
        .isEqualTo(IntStream.rangeClosed(1, 100).boxed().toList());
    assertThat(a.droppedEvents()).isZero();
  }

  @Test
  void wrongPasswordFailsNamingTheUserButNotThePassword() {
    URI wrong = URI.create("amqp://guest:not-the-password@127.0.0.1:5672");

    assertThatThrownBy(() -> RabbitMqEventBus.connect(wrong))
        .isInstanceOf(BusUnavailableException.class)
        .hasMessageContaining("amqp://guest@127.0.0.1:5672")
        .hasMessageNotContaining("not-the-password");
  }

  @Test
  void unknownVirtualHostFailsWithTheBrokersReason() {
    URI unknownVhost = URI.create("amqp://guest:guest@127.0.0.1:5672/no-such-vhost");

    assertThatThrownBy(() -> RabbitMqEventBus.connect(unknownVhost))
        .isInstanceOf(BusUnavailableException.class)
        .hasMessageContaining("vhost")
        .hasMessageContaining("not found");
  }

  /** Events about this test's model only: other tests may share the broker. */
  static List<Event> received(EventBus bus, String model) {
    List<Event> events = new CopyOnWriteArrayList<>();
    bus.subscribe(e -> {
      if (e.model().equals(model)) {
        events.add(e);
      }
    });
    return events;
  }
}
