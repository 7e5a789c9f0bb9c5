package dev.serval.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.server.cli.TrainerSettings.Kind;
import dev.serval.train.EpochProgress;
import dev.serval.train.TrainedModel;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Split;
import dev.serval.train.data.Task;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code serval train}: a built-in trainer (no Python) on the bundled digits, a CSV or .npy
 * files; with {@code --teacher}, a student distilled from a model a server serves. Prints each
 * epoch as {@code serval.metric} lines (what a job stores) and, last, the kept model's
 * validation metric as a bare number (what {@code serval tune} reads).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a built-in model in Java (no Python) and write it as ONNX.",
      "Example: ./serval train mlp --data digits --param hidden=64 --out digits.onnx",
      "Run it as a job with ./serval jobs submit --trainer mlp ..., distil with ./serval distill."
    })
final class TrainCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Where a job's trainer writes the model and its lineage. */
  static final String MODEL_FILE = "{output_dir}/model.onnx";
  static final String LINEAGE_FILE = "{output_dir}/lineage.json";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TRAINER",
      description = "mlp, cnn, linear (softmax / least squares) or fm (factorization machine).")
  Kind trainer;

  @Mixin TrainingDataOptions input;

  @Option(names = "--regression", description = "Predict real values (default: classes).")
  boolean regression;

  @Option(names = "--param", paramLabel = "KEY=VALUE",
      description = "A trainer parameter; repeatable. Keys: hidden, epochs, patience, batch_size,"
          + " optimizer, lr, momentum, l2, l1, loss, huber_delta, dropout, mixup, activation,"
          + " batch_norm, filters, image, factors, init_std, standardize, seed, validation, test,"
          + " split_seed, temperature, alpha.")
  List<String> params = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Where to write the ONNX model.")
  Path out;

  @Option(names = "--teacher", paramLabel = "MODEL[:VERSION|@ALIAS]",
      description = "Distil from this model of --server (default version: its newest READY).")
  String teacher;

  @Option(names = "--server", paramLabel = "URL",
      defaultValue = "${env:SERVAL_SERVER:-http://127.0.0.1:8000}",
      description = "Server serving the --teacher (default: $SERVAL_SERVER or"
          + " http://127.0.0.1:8000).")
  String server;

  @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:SERVAL_API_KEY}",
      description = "API key for the --server (default: $SERVAL_API_KEY).")
  String apiKey;

  @Option(names = "--lineage", paramLabel = "FILE", description = "Also write where the model"
      + " came from (teacher, settings, accuracy report) as JSON, for a job's output model.")
  Path lineage;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    TrainerSettings settings = TrainerSettings.of(JobsCommand.Submit.pairs("--param", params));
    Dataset dataset = input.read(regression ? Task.REGRESSION : Task.CLASSIFICATION);
    Split split = dataset.split(settings.validationFraction(), settings.testFraction(),
        settings.splitSeed());
    RemoteTeacher remote = teacher == null ? null
        : RemoteTeacher.resolve(new ServalClient(server, apiKey), teacher);
    stdout.println("Training " + trainer.name().toLowerCase(Locale.ROOT) + " on " + dataset
        + ": " + split.train().rows() + " train, " + split.validation().rows() + " validation, "
        + split.test().rows() + " test rows" + (remote == null ? "" : "; teacher " + remote));
    stdout.flush();
    TrainedModel model = settings.trainer(trainer, remote).fit(split.train(), split.validation(),
        progress -> printEpoch(stdout, progress, dataset.task()));
    model.writeOnnx(out);
    ObjectNode report = report(model, split, remote);
    if (lineage != null) {
      writeLineage(settings, remote, report);
    }
    String metric = metricName(dataset.task());
    double kept = model.evaluate(split.validation()).metric();
    stdout.println("Wrote " + out + "; report " + report);
    stdout.println("Last line: validation " + metric + " of the kept model");
    stdout.println(kept);
    stdout.flush();
    return 0;
  }

  private static void printEpoch(PrintWriter stdout, EpochProgress p, Task task) {
    String metric = metricName(task);
    stdout.printf(Locale.ROOT, "epoch %d/%d loss %.5f val_loss %.5f val_%s %.5f (best epoch %d)%n",
        p.epoch(), p.epochs(), p.trainLoss(), p.validationLoss(), metric, p.validationMetric(),
        p.bestEpoch());
    stdout.printf(Locale.ROOT, "serval.metric loss %s %d%n", p.trainLoss(), p.epoch());
    stdout.printf(Locale.ROOT, "serval.metric val_loss %s %d%n", p.validationLoss(), p.epoch());
    stdout.printf(Locale.ROOT, "serval.metric val_%s %s %d%n", metric, p.validationMetric(),
        p.epoch());
    stdout.flush();
  }

  private static String metricName(Task task) {
    return task == Task.CLASSIFICATION ? "accuracy" : "rmse";
  }

  /**
   * The model on the held-out test rows; for a student also its teacher's accuracy there, how
   * often the two agree, and their sizes.
   */
  private ObjectNode report(TrainedModel model, Split split, RemoteTeacher remote) {
    Dataset test = split.test();
    ObjectNode report = JSON.createObjectNode();
    String metric = metricName(test.task());
    report.put("test_rows", test.rows());
    long bytes = model.toOnnx().length;
    report.put("model_bytes", bytes);
    if (test.rows() == 0) {
      return report;
    }
    report.put("test_" + metric, model.evaluate(test).metric());
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "serval.metric test_%s %s%n", metric, report.get("test_" + metric));
    if (remote != null) {
      int[] student = model.classify(test.features(), test.rows());
      int[] taught = remote.classify(test.features(), test.rows());
      int agree = 0;
      int teacherRight = 0;
      for (int n = 0; n < test.rows(); n++) {
        agree += student[n] == taught[n] ? 1 : 0;
        teacherRight += taught[n] == test.label(n) ? 1 : 0;
      }
      report.put("teacher", remote.toString());
      report.put("teacher_test_accuracy", (double) teacherRight / test.rows());
      report.put("agreement", (double) agree / test.rows());
      report.put("teacher_bytes", remote.sizeBytes());
      report.put("size_ratio", (double) remote.sizeBytes() / bytes);
      stdout.printf(Locale.ROOT, "serval.metric teacher_test_accuracy %s%n",
          report.get("teacher_test_accuracy"));
      stdout.printf(Locale.ROOT, "serval.metric agreement %s%n", report.get("agreement"));
      stdout.printf(Locale.ROOT, "serval.metric size_ratio %s%n", report.get("size_ratio"));
    }
    return report;
  }

  private void writeLineage(TrainerSettings settings, RemoteTeacher remote, ObjectNode report) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode recorded = JSON.createObjectNode();
    recorded.put("trainer", trainer.name().toLowerCase(Locale.ROOT));
    recorded.put("data", input.data);
    recorded.set("params", JSON.valueToTree(JobsCommand.Submit.pairs("--param", params)));
    if (remote != null) {
      root.put("parent_model", remote.model());
      root.put("parent_version", remote.version());
      recorded.put("temperature", settings.temperature());
      recorded.put("alpha", settings.alpha());
    }
    recorded.set("report", report);
    root.put("transform", remote == null ? "train" : "distillation");
    root.set("settings", recorded);
    try {
      Files.createDirectories(lineage.toAbsolutePath().getParent());
      JSON.writeValue(lineage.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the lineage file " + lineage, e);
    }
  }

  /** The arguments of {@code serval train} that a job runs, with {@code {key}} parameters. */
  static List<String> jobCommand(Kind trainer, TrainingDataOptions input,
      Map<String, String> params) {
    List<String> command = new ArrayList<>(List.of(JobSystem.SERVAL_PROGRAM, "train",
        trainer.name().toLowerCase(Locale.ROOT)));
    command.addAll(input.jobArguments());
    for (String key : params.keySet()) {
      command.add("--param");
      command.add(key + "={" + key + "}");
    }
    command.addAll(List.of("--out", MODEL_FILE, "--lineage", LINEAGE_FILE));
    return command;
  }
}
