package dev.serval.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTest {
  private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

  @Test
  void copiesAttributesSoLaterChangesDoNotLeakIn() {
    Map<String, String> attributes = new HashMap<>(Map.of("alias", "production"));
    Event event = new Event(Event.ALIAS_MOVED, "m", 1, attributes, "n", AT);

    attributes.put("alias", "staging");

    assertThat(event.attribute("alias")).isEqualTo("production");
    assertThatThrownBy(() -> event.attributes().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void acceptsTypesItDoesNotKnowSoNewerNodesCanTalkToOlderOnes() {
    assertThat(new Event("study.finished", "m", null, Map.of(), "n", AT).type())
        .isEqualTo("study.finished");
  }

  @Test
  void refusesMalformedComponentsNamingThem() {
    assertThatThrownBy(() -> new Event("Alias Moved", "m", 1, Map.of(), "n", AT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("event type")
        .hasMessageContaining("Alias Moved");
    assertThatThrownBy(() -> new Event(Event.ALIAS_MOVED, " ", 1, Map.of(), "n", AT))
        .hasMessageContaining("event model");
    assertThatThrownBy(() -> new Event(Event.ALIAS_MOVED, "m", 0, Map.of(), "n", AT))
        .hasMessageContaining("event version must be >= 1: 0");
    assertThatThrownBy(() -> new Event(Event.ALIAS_MOVED, "m", 1, null, "n", AT))
        .hasMessageContaining("event attributes");
    assertThatThrownBy(() -> new Event(Event.ALIAS_MOVED, "m", 1, Map.of(), "", AT))
        .hasMessageContaining("event origin");
    assertThatThrownBy(() -> new Event(Event.ALIAS_MOVED, "m", 1, Map.of(), "n", null))
        .hasMessageContaining("'at'");
  }
}
