package dev.serval.bus;

import dev.serval.core.InvalidInputException;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Something that changed on one node and that other nodes may need to react to, such as a version
 * becoming READY or an alias moving. Events are notifications, not the source of truth: a listener
 * re-reads the registry for the current state, so a duplicate or a missed event (while a node was
 * disconnected) does no lasting harm once the node resynchronises.
 *
 * <p>Any well-formed type is accepted, not only the constants below, so that a node can receive
 * the events of a newer node; listeners ignore types they do not know.
 *
 * @param type what happened, such as {@link #ALIAS_MOVED}
 * @param model the model concerned
 * @param version the version concerned, or null for model-wide events
 * @param attributes details that depend on the type; see the type constants
 * @param origin {@link EventBus#nodeId()} of the publishing node, so a node can tell its own events
 * @param at when the change happened, by the publisher's clock
 */
public record Event(
    String type,
    String model,
    Integer version,
    Map<String, String> attributes,
    String origin,
    Instant at) {

  /** A model was registered. */
  public static final String MODEL_CREATED = "model.created";

  /** A version was pushed and is PENDING validation. */
  public static final String VERSION_CREATED = "version.created";

  /** Validation finished: attribute {@code state} is READY or FAILED, {@code reason} says why. */
  public static final String VERSION_VALIDATED = "version.validated";

  /**
   * Attribute {@code alias} now points to {@code version}, or was removed: then version is null
   * and attribute {@code removed} is "true".
   */
  public static final String ALIAS_MOVED = "alias.moved";

  /** The model's deployment changed; attribute {@code revision} is the new current revision. */
  public static final String DEPLOYMENT_CHANGED = "deployment.changed";

  /**
   * A tag of the model (version null) or of a version changed: attributes {@code key} and {@code
   * value}, or {@code key} and {@code removed} "true".
   */
  public static final String TAGS_CHANGED = "tags.changed";

  public static final String VERSION_DELETED = "version.deleted";
  public static final String MODEL_DELETED = "model.deleted";

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
  private static final int MAX_TEXT = 4096;

  /** @throws InvalidInputException naming the component that is missing or malformed */
  public Event {
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new InvalidInputException(
          "event type must be dotted lower-case words like 'alias.moved': " + type);
    }
    requireText("event model", model);
    if (version != null && version < 1) {
      throw new InvalidInputException("event version must be >= 1: " + version);
    }
    attributes = checkedCopy(attributes);
    requireText("event origin", origin);
    if (at == null) {
      throw new InvalidInputException("event time 'at' must not be null");
    }
  }

  /** The attribute's value, or null when the event has none. */
  public String attribute(String name) {
    return attributes.get(name);
  }

  private static void requireText(String what, String value) {
    if (value == null || value.isBlank() || value.length() > MAX_TEXT) {
      throw new InvalidInputException(what + " must be 1-" + MAX_TEXT + " characters: " + value);
    }
  }

  /** Sorted, so that the wire format is deterministic. */
  private static SortedMap<String, String> checkedCopy(Map<String, String> attributes) {
    if (attributes == null) {
      throw new InvalidInputException("event attributes must not be null (use an empty map)");
    }
    SortedMap<String, String> copy = new TreeMap<>();
    attributes.forEach(
        (name, value) -> {
          requireText("event attribute name", name);
          if (value == null || value.length() > MAX_TEXT) {
            throw new InvalidInputException(
                "event attribute '" + name + "' must have a value of at most " + MAX_TEXT
                    + " characters: " + value);
          }
          copy.put(name, value);
        });
    return Collections.unmodifiableSortedMap(copy);
  }
}
