package dev.serval.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serval.bus.Event;
import dev.serval.bus.RabbitMqEventBus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes on one PostgreSQL schema, each announcing changes on the local RabbitMQ. */
@Tag("it")
class RegistryEventsAcrossNodesTest extends RegistryFixture {
  private static final URI BROKER = URI.create("amqp://guest:guest@127.0.0.1:5672");

  @RegisterExtension final PostgresSchema postgres = new PostgresSchema();
  private final List<RabbitMqEventBus> buses = new CopyOnWriteArrayList<>();
  private RabbitMqEventBus nextBus;

  @Override
  ModelRegistry.Builder builder(Path dir) {
    return postgres.builder(dir).eventBus(nextBus);
  }

  /** Registries are closed first (by the fixture), then their buses. */
  @AfterEach
  void closeBuses() {
    closeRegistries();
    buses.forEach(RabbitMqEventBus::close);
  }

  private ModelRegistry openNode(String nodeId) {
    nextBus = RabbitMqEventBus.connect(
        BROKER, RabbitMqEventBus.Settings.builder().nodeId(nodeId).build());
    buses.add(nextBus);
    return open();
  }

  @Test
  void aliasSetOnOneNodeIsAnnouncedOnTheOther() {
    ModelRegistry nodeA = openNode("node-a");
    ModelRegistry nodeB = openNode("node-b");
    String model = "m-" + System.nanoTime();
    List<Event> onB = new CopyOnWriteArrayList<>();
    nodeB.events().subscribe(e -> {
      if (e.model().equals(model)) {
        onB.add(e);
      }
    });
    // The first round trip loads and compiles the JSON and AMQP code, seconds on a busy machine.
    nodeA.createModel(model, "");
    await().atMost(Duration.ofSeconds(30)).until(() -> onB.size() == 1);
    push(nodeA, model, "weights");
    makeReady(nodeA, model, 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> onB.size() == 3);

    nodeA.setAlias(model, "production", 1);

    await().atMost(Duration.ofSeconds(1)).until(() -> onB.size() == 4);
    Event moved = onB.get(3);
    assertThat(moved.type()).isEqualTo(Event.ALIAS_MOVED);
    assertThat(moved.attribute("alias")).isEqualTo("production");
    assertThat(moved.version()).isEqualTo(1);
    assertThat(moved.origin()).isEqualTo("node-a").isNotEqualTo(nodeB.events().nodeId());
    assertThat(nodeB.resolve(model, "production").version()).isEqualTo(1);
  }
}
