package dev.serval.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.server.cli.TrainerSettings.Kind;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code serval distill}: a job that trains a small MLP student from a served teacher's softened
 * outputs (batched inference on the server) and pushes it with lineage to the teacher version
 * and an accuracy report against the teacher.
 */
@Command(
    name = "distill",
    mixinStandardHelpOptions = true,
    description = {
      "Distil a served classifier into a smaller MLP, as a job: the teacher labels the data by",
      "batched inference on the server, the student learns from its softened outputs and the",
      "labels, and is pushed with lineage (parent = teacher version) and a report.",
      "Example: ./serval distill --teacher digits-mlp --data digits --hidden 32"
          + " --output-model digits-student --wait"
    })
final class DistillCommand extends ModelsCommand.ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--teacher", required = true, paramLabel = "MODEL[:VERSION|@ALIAS]",
      description = "The served model to learn from (default version: its newest READY).")
  String teacher;

  @Mixin TrainingDataOptions input;

  @Option(names = "--output-model", required = true, paramLabel = "NAME",
      description = "Model the student is pushed to.")
  String outputModel;

  @Option(names = "--hidden", defaultValue = "32", paramLabel = "WIDTHS",
      description = "Student hidden layer widths, e.g. 32 or 64,32 (default: ${DEFAULT-VALUE}).")
  String hidden;

  @Option(names = "--temperature", defaultValue = "4", paramLabel = "T",
      description = "Softening of the teacher's outputs (default: ${DEFAULT-VALUE}).")
  String temperature;

  @Option(names = "--alpha", defaultValue = "0.5", paramLabel = "A",
      description = "Weight of the true labels against the teacher (default: ${DEFAULT-VALUE}).")
  String alpha;

  @Option(names = "--param", paramLabel = "KEY=VALUE",
      description = "Another trainer parameter (see ./serval train -h); repeatable.")
  List<String> params = new ArrayList<>();

  @Option(names = "--name", paramLabel = "NAME", description = "Job name (default:"
      + " distill-OUTPUT_MODEL).")
  String name;

  @Option(names = "--wait", description = "Follow the job's log until it ends; exit 1 unless"
      + " it SUCCEEDED.")
  boolean wait;

  @Override
  int run(ServalClient client, PrintWriter out) {
    Map<String, String> values = new TreeMap<>(JobsCommand.Submit.pairs("--param", params));
    for (Map.Entry<String, String> given : Map.of("hidden", hidden, "temperature", temperature,
        "alpha", alpha).entrySet()) {
      if (values.put(given.getKey(), given.getValue()) != null) {
        throw new UsageException("give " + given.getKey() + " as --" + given.getKey()
            + ", not as --param");
      }
    }
    TrainerSettings.of(values).trainer(Kind.MLP, null);
    // The job resolves the teacher when it runs; resolving now fails fast on a wrong name.
    RemoteTeacher.resolve(client, teacher);
    List<String> command = TrainCommand.jobCommand(Kind.MLP, input, values);
    command.addAll(List.of("--teacher", teacher, "--server", server));
    ObjectNode body = JSON.createObjectNode();
    body.put("name", name != null ? name : "distill-" + outputModel);
    body.set("command", JSON.valueToTree(command));
    body.set("params", JSON.valueToTree(values));
    body.set("output_models", JSON.valueToTree(List.of(Map.of("model", outputModel,
        "path", TrainCommand.MODEL_FILE, "lineage", TrainCommand.LINEAGE_FILE))));
    return JobsCommand.Submit.send(this, client, body, wait, out);
  }
}
