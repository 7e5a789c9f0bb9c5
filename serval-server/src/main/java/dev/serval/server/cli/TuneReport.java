package dev.serval.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.Study;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The {@code --output} file of {@code serval tune}: every trial and the best one. */
final class TuneReport {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TuneReport() {}

  static void write(Study study, Path file) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("study", study.name());
    root.put("direction", study.direction().name().toLowerCase(Locale.ROOT));
    ArrayNode trials = root.putArray("trials");
    study.trials().forEach(t -> trials.add(trial(t)));
    root.set("best", study.bestTrial().map(TuneReport::best).orElse(null));
    try {
      MAPPER.writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static ObjectNode trial(FrozenTrial t) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("number", t.number());
    node.put("state", t.state().name());
    if (t.value().isPresent()) {
      node.put("value", t.value().getAsDouble());
    }
    node.set("params", MAPPER.valueToTree(t.params()));
    ObjectNode intermediate = node.putObject("intermediate");
    t.intermediate().forEach((step, value) -> intermediate.put(step.toString(), value));
    node.put("start", t.start().toString());
    t.duration().ifPresent(d -> node.put("durationSeconds", d.toMillis() / 1000.0));
    Map<String, Object> attributes = t.userAttributes();
    if (!attributes.isEmpty()) {
      node.set("userAttributes", MAPPER.valueToTree(attributes));
    }
    return node;
  }

  private static ObjectNode best(FrozenTrial t) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("number", t.number());
    node.put("value", t.value().orElseThrow());
    node.set("params", MAPPER.valueToTree(t.params()));
    return node;
  }
}
