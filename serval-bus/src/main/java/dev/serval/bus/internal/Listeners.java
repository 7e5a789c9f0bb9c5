package dev.serval.bus.internal;

import dev.serval.bus.Event;
import dev.serval.bus.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The subscribed listeners of one bus; delivers an event to each, isolating their failures. */
public final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final List<Entry> entries = new CopyOnWriteArrayList<>();

  public Subscription add(Consumer<Event> listener) {
    Entry entry = new Entry(Objects.requireNonNull(listener, "listener"));
    entries.add(entry);
    return entry;
  }

  /** Calls every active listener; one that throws is logged and the others still get the event. */
  public void deliver(Event event) {
    for (Entry entry : entries) {
      entry.accept(event);
    }
  }

  public void clear() {
    entries.forEach(Entry::close);
  }

  private final class Entry implements Subscription {
    private final Consumer<Event> listener;
    // Checked per delivery: a delivery loop may still hold this entry after its removal.
    private volatile boolean active = true;

    Entry(Consumer<Event> listener) {
      this.listener = listener;
    }

    void accept(Event event) {
      if (!active) {
        return;
      }
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.error("event listener {} failed on {} of '{}'", listener, event.type(), event.model(),
            e);
      }
    }

    @Override
    public void close() {
      active = false;
      entries.remove(this);
    }
  }
}
