package dev.serval.bus.internal;

import dev.serval.core.InvalidInputException;
import java.util.UUID;
import java.util.regex.Pattern;

/** Node ids travel in every event and name the broker connection, so they are kept plain. */
public final class NodeIds {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private NodeIds() {}

  public static String check(String nodeId) {
    if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
      throw new InvalidInputException(
          "nodeId must be 1-128 characters of A-Z a-z 0-9 . _ : -: " + nodeId);
    }
    return nodeId;
  }

  /** Unique enough that two nodes never share one, without configuration. */
  public static String random() {
    return UUID.randomUUID().toString();
  }
}
