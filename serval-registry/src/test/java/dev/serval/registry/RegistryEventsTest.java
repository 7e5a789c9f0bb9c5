package dev.serval.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serval.bus.Event;
import dev.serval.bus.EventBus;
import dev.serval.bus.InProcessEventBus;
import dev.serval.bus.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RegistryEventsTest extends RegistryFixture {
  private final RecordingBus bus = new RecordingBus();

  @Override
  ModelRegistry.Builder builder(Path dir) {
    return ModelRegistry.builder().dataDir(dir).eventBus(bus);
  }

  /** What one event says, without origin and time. */
  private record Said(String type, Integer version, Map<String, String> attributes) {
    static Said of(Event e) {
      return new Said(e.type(), e.version(), e.attributes());
    }
  }

  private static Said said(String type, Integer version, Map<String, String> attributes) {
    return new Said(type, version, attributes);
  }

  @Test
  void announcesEveryKindOfChangeWithItsDetails() {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    push(registry, "m", "one");
    push(registry, "m", "two");
    makeReady(registry, "m", 1);
    registry.setState("m", 2, VersionState.VALIDATING, "");
    registry.setState("m", 2, VersionState.FAILED, "bad opset");
    registry.setAlias("m", "staging", 1);
    registry.removeAlias("m", "staging");
    registry.setModelTag("m", "team", "vision");
    registry.removeVersionTag("m", 1, "team");
    registry.deploy("m", DeploymentSpec.single(1));
    registry.promote("m", 1);
    registry.clearDeployment("m");
    registry.removeAlias("m", ModelRegistry.PRODUCTION);
    registry.deleteVersion("m", 2);
    registry.deleteModel("m");

    assertThat(bus.events).extracting(Said::of).containsExactly(
        said(Event.MODEL_CREATED, null, Map.of()),
        said(Event.VERSION_CREATED, 1, Map.of()),
        said(Event.VERSION_CREATED, 2, Map.of()),
        said(Event.VERSION_VALIDATED, 1, Map.of("state", "READY")),
        said(Event.VERSION_VALIDATED, 2, Map.of("state", "FAILED", "reason", "bad opset")),
        said(Event.ALIAS_MOVED, 1, Map.of("alias", "staging")),
        said(Event.ALIAS_MOVED, null, Map.of("alias", "staging", "removed", "true")),
        said(Event.TAGS_CHANGED, null, Map.of("key", "team", "value", "vision")),
        said(Event.TAGS_CHANGED, 1, Map.of("key", "team", "removed", "true")),
        said(Event.DEPLOYMENT_CHANGED, null, Map.of("revision", "1")),
        said(Event.DEPLOYMENT_CHANGED, null, Map.of("revision", "2")),
        said(Event.ALIAS_MOVED, 1, Map.of("alias", "production")),
        said(Event.DEPLOYMENT_CHANGED, null, Map.of("revision", "3")),
        said(Event.ALIAS_MOVED, null, Map.of("alias", "production", "removed", "true")),
        said(Event.VERSION_DELETED, 2, Map.of()),
        said(Event.MODEL_DELETED, null, Map.of()));
    assertThat(bus.events).allSatisfy(e -> {
      assertThat(e.model()).isEqualTo("m");
      assertThat(e.origin()).isEqualTo(bus.nodeId());
      assertThat(e.at()).isEqualTo(NOW);
    });
  }

  @Test
  void announcesOnlyOnceTheChangeIsVisibleToOtherConnections() {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    push(registry, "m", "one");
    makeReady(registry, "m", 1);
    List<Object> seenAtPublish = new CopyOnWriteArrayList<>();
    bus.onPublish = e -> seenAtPublish.add(switch (e.type()) {
      case Event.ALIAS_MOVED -> registry.getModel("m").aliases();
      case Event.DEPLOYMENT_CHANGED -> registry.deploymentHistory("m", 1).get(0).revision();
      default -> e.type();
    });

    registry.setAlias("m", "staging", 1);
    registry.deploy("m", DeploymentSpec.single(1));

    assertThat(seenAtPublish).containsExactly(Map.of("staging", 1), 1);
  }

  @Test
  void announcesNothingForChangesThatFail() {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    push(registry, "m", "one");
    push(registry, "m", "two");
    makeReady(registry, "m", 1);
    registry.setAlias("m", "production", 1);
    int before = bus.events.size();

    assertThatThrownBy(() -> registry.createModel("m", "")).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.setAlias("m", "x", 2)).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.setState("m", 1, VersionState.FAILED, "late"))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.deleteVersion("m", 1)).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.deploy("m", DeploymentSpec.single(2)))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.promote("m", 2)).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> registry.rollback("m")).isInstanceOf(ConflictException.class);
    registry.clearDeployment("m");

    assertThat(bus.events).hasSize(before);
  }

  @Test
  void aFailingBusDoesNotFailTheCommittedChange() {
    ModelRegistry registry = open();
    registry.createModel("m", "");
    bus.onPublish = e -> {
      throw new IllegalStateException("bus down");
    };

    registry.setModelTag("m", "team", "vision");

    assertThat(registry.getModel("m").tags()).containsEntry("team", "vision");
  }

  @Test
  void defaultBusDeliversToSubscribersOfEvents() {
    List<Event> received = new CopyOnWriteArrayList<>();
    try (ModelRegistry registry = ModelRegistry.builder().dataDir(dir.resolve("own")).build()) {
      registry.events().subscribe(received::add);

      registry.createModel("m", "");

      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
      assertThat(received.get(0).type()).isEqualTo(Event.MODEL_CREATED);
    }
  }

  @Test
  void aBusGivenToTheRegistryOutlivesIt() {
    List<Event> received = new CopyOnWriteArrayList<>();
    try (InProcessEventBus shared = InProcessEventBus.create()) {
      shared.subscribe(received::add);
      ModelRegistry registry =
          ModelRegistry.builder().dataDir(dir.resolve("own")).eventBus(shared).build();
      registry.createModel("m", "");
      registry.close();

      registry.events().publish(new Event(Event.MODEL_DELETED, "m", null, Map.of(),
          shared.nodeId(), NOW));

      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
    }
  }

  /** Records events on the publisher's thread, running a probe there first. */
  private static final class RecordingBus implements EventBus {
    final List<Event> events = new ArrayList<>();
    volatile Consumer<Event> onPublish = e -> {};

    @Override
    public void publish(Event event) {
      onPublish.accept(event);
      events.add(event);
    }

    @Override
    public Subscription subscribe(Consumer<Event> listener) {
      throw new UnsupportedOperationException("the registry never subscribes");
    }

    @Override
    public String nodeId() {
      return "node-test";
    }

    @Override
    public void close() {
      throw new AssertionError("the registry must not close a bus it was given");
    }
  }
}
