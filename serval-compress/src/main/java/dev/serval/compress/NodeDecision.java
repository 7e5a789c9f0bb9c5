package dev.serval.compress;

/**
 * What a compression method did to one node it considered.
 *
 * @param node the node's name in the original graph
 * @param opType its operator
 * @param changed whether the node was rewritten
 * @param detail how it was rewritten, or why it was left alone
 */
public record NodeDecision(String node, String opType, boolean changed, String detail) {
  public static NodeDecision changed(String node, String opType, String detail) {
    return new NodeDecision(node, opType, true, detail);
  }

  public static NodeDecision kept(String node, String opType, String reason) {
    return new NodeDecision(node, opType, false, reason);
  }
}
