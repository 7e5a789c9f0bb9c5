package dev.serval.compress.internal;

import dev.serval.compress.NodeDecision;
import java.util.List;

/** One compression method as a graph rewrite. */
public interface Transform {
  /** Rewrites the graph in place and says what it did to each node it considered. */
  List<NodeDecision> apply(GraphEditor graph);
}
