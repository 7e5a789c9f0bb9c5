package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serval.server.cli.ModelsCommand.ClientCommand;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./serval models deploy|promote|rollback|undeploy|deployment}: which versions serve a model and
 * how its traffic splits. Each change answers once this server serves it.
 */
final class DeploymentCommands {
  private DeploymentCommands() {}

  /** What the change commands share: the model, the wait, and printing the outcome. */
  abstract static class Change extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
    String model;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "Wait at most this long for the versions to load (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    String path(String action) {
      return modelPath(model) + "/deployment" + action + "?timeout_seconds=" + timeoutSeconds;
    }

    int show(JsonNode answer, PrintWriter out) {
      return print(answer, out, d -> printDeployment(d, out, 1));
    }
  }

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description = {
        "Choose the versions that take a model's traffic, with weights for a canary,",
        "e.g. ./serval models deploy iris 3=90 4=10 --shadow 5. New versions load and warm",
        "before traffic moves; versions left out are drained. Refused (and nothing changes) when",
        "a version cannot load or would exceed the server's memory budget."
      })
  static final class Deploy extends Change {
    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "VERSION[=WEIGHT]",
        description = "A version and its share of the traffic (weight 100 when omitted).")
    List<String> targets;

    @Option(
        names = "--shadow",
        paramLabel = "VERSION",
        description = "Also send a copy of the traffic to this version; its answers are dropped.")
    Integer shadow;

    @Override
    int run(ServalClient client, PrintWriter out) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("weights", weights());
      if (shadow != null) {
        body.put("shadow", shadow);
      }
      return show(client.put(path(""), body), out);
    }

    private Map<Integer, Integer> weights() {
      Map<Integer, Integer> weights = new TreeMap<>();
      for (String target : targets) {
        String[] parts = target.split("=", 2);
        int version = number("VERSION", parts[0], target);
        int weight = parts.length == 1 ? 100 : number("WEIGHT", parts[1], target);
        if (weights.put(version, weight) != null) {
          throw new UsageException("version " + version + " is given twice");
        }
      }
      return weights;
    }

    private static int number(String what, String text, String target) {
      if (!text.matches("[1-9][0-9]{0,8}")) {
        throw new UsageException(
            what + " must be a number >= 1 in VERSION[=WEIGHT] but was '" + target + "'");
      }
      return Integer.parseInt(text);
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Send all traffic to VERSION and point the production alias at it.")
  static final class Promote extends Change {
    @Parameters(index = "1", paramLabel = "VERSION", description = "Version number.")
    int version;

    @Override
    int run(ServalClient client, PrintWriter out) {
      return show(client.postJson(path("/promote"), Map.of("version", version)), out);
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = "Go back to the deployment before the current one.")
  static final class Rollback extends Change {
    @Override
    int run(ServalClient client, PrintWriter out) {
      return show(client.postJson(path("/rollback"), Map.of()), out);
    }
  }

  @Command(
      name = "undeploy",
      mixinStandardHelpOptions = true,
      description = "Clear the deployment: the model serves its newest READY version again.")
  static final class Clear extends Change {
    @Override
    int run(ServalClient client, PrintWriter out) {
      return show(client.delete(path("")), out);
    }
  }

  @Command(
      name = "deployment",
      mixinStandardHelpOptions = true,
      description = "Show a model's deployment and its recent history.")
  static final class Show extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
    String model;

    @Option(names = "--history", paramLabel = "N", defaultValue = "10",
        description = "How many revisions to list (default: ${DEFAULT-VALUE}).")
    int history;

    @Override
    int run(ServalClient client, PrintWriter out) {
      JsonNode answer = client.get(modelPath(model) + "/deployment?limit=" + history);
      return print(answer, out, d -> printDeployment(d, out, history));
    }
  }

  private static void printDeployment(JsonNode deployment, PrintWriter out, int history) {
    String model = deployment.get("model").asText();
    JsonNode current = deployment.get("current");
    out.println(model + ": " + (current == null || current.isNull()
        ? "newest READY version (no deployment)"
        : describe(current)));
    JsonNode revisions = deployment.get("history");
    for (int i = 0; i < Math.min(history, revisions.size()); i++) {
      JsonNode revision = revisions.get(i);
      out.println("  revision " + revision.get("revision").asInt() + "  "
          + revision.get("created").asText() + "  " + revision.get("note").asText() + "  "
          + (revision.get("weights").isNull() ? "cleared" : describe(revision)));
    }
  }

  /** "v3 90%, v4 10%; shadow v5" */
  private static String describe(JsonNode revision) {
    JsonNode weights = revision.get("weights");
    long total = 0;
    for (JsonNode weight : weights) {
      total += weight.asLong();
    }
    StringBuilder text = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = weights.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> weight = it.next();
      text.append(text.length() == 0 ? "" : ", ").append('v').append(weight.getKey()).append(' ')
          .append(Math.round(100.0 * weight.getValue().asLong() / total)).append('%');
    }
    JsonNode shadow = revision.get("shadow");
    if (shadow != null && !shadow.isNull()) {
      text.append("; shadow v").append(shadow.asInt());
    }
    return text.toString();
  }
}
