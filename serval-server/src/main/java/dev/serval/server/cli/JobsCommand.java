package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.jobs.Durations;
import dev.serval.jobs.MetricsChart;
import dev.serval.jobs.OutputModel;
import dev.serval.server.management.internal.JobsRoutes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code serval jobs ...}: submit and watch jobs on a running server. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "Submit, list, follow and cancel jobs on a running server.",
    subcommands = {
      JobsCommand.Submit.class,
      JobsCommand.ListJobs.class,
      JobsCommand.Get.class,
      JobsCommand.Logs.class,
      JobsCommand.Metrics.class,
      JobsCommand.Cancel.class
    })
final class JobsCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing jobs command");
  }

  static String jobPath(String id) {
    return JobsRoutes.PREFIX + "/" + ServalClient.segment(id);
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = {
        "Queue CMD ARG... as a job and print its id. In the arguments, {k} is replaced by",
        "--param k=v and {output_dir} by the job's output folder (also $SERVAL_OUTPUT_DIR).",
        "Lines 'serval.metric NAME VALUE [STEP]' on its output are stored as metrics.",
        "Example: ./serval jobs submit --name t --param lr=0.1 -- python train.py --lr {lr}",
        "Built-in trainer (no Python; --param sets its parameters, see ./serval train -h):",
        "  ./serval jobs submit --name d --trainer mlp --data digits --param hidden=64"
            + " --output-model digits-mlp"
      })
  static final class Submit extends ModelsCommand.ClientCommand {
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Job name.")
    String name;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A parameter; repeatable.")
    List<String> params = new ArrayList<>();

    @Option(names = "--env", paramLabel = "KEY=VALUE",
        description = "An environment variable; repeatable.")
    List<String> env = new ArrayList<>();

    @Option(names = "--workdir", paramLabel = "DIR",
        description = "Absolute folder on the worker to run in (default: the job's own).")
    String workDir;

    @Option(names = "--timeout", paramLabel = "DURATION",
        description = "Longest an attempt may run, e.g. 10m (default: no limit).")
    String timeout;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "0",
        description = "Run a failed or timed-out attempt again up to N times.")
    int retries;

    @Option(names = "--retry-delay", paramLabel = "DURATION", defaultValue = "0s",
        description = "Wait before the first retry; doubles for each further one.")
    String retryDelay;

    @Option(names = "--output-model", paramLabel = "NAME=PATH",
        description = "A model file the job writes, pushed to the registry as NAME when it"
            + " succeeds, e.g. digits={output_dir}/model.onnx; repeatable. With --trainer: NAME.")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--trainer", paramLabel = "TRAINER",
        description = "Run the built-in trainer mlp, cnn, linear or fm instead of a command.")
    TrainerSettings.Kind trainer;

    @Mixin TrainingDataOptions input;

    @Option(names = "--cpu-threads", paramLabel = "N",
        description = "CPU threads the job may use (default: the worker's).")
    Integer cpuThreads;

    @Option(names = "--wait", description = "Follow the job's log until it ends; exit 1 unless"
        + " it SUCCEEDED.")
    boolean wait;

    @Parameters(arity = "0..*", paramLabel = "CMD",
        description = "The program and arguments (none with --trainer).")
    List<String> command = new ArrayList<>();

    @Override
    int run(ServalClient client, PrintWriter out) {
      ObjectNode body = JSON.createObjectNode();
      body.put("name", name);
      Map<String, String> values = pairs("--param", params);
      body.set("command", JSON.valueToTree(command(values)));
      body.set("params", JSON.valueToTree(values));
      body.set("env", JSON.valueToTree(pairs("--env", env)));
      body.put("work_dir", workDir);
      if (timeout != null) {
        body.put("timeout_seconds", seconds("--timeout", timeout));
      }
      body.put("retries", retries);
      body.put("retry_delay_seconds", seconds("--retry-delay", retryDelay));
      body.set("output_models", JSON.valueToTree(outputModels()));
      if (cpuThreads != null) {
        body.put("cpu_threads", cpuThreads);
      }
      return send(this, client, body, wait, out);
    }

    /** Queues the job; prints its id, or follows its log until it ends when waiting. */
    static int send(ModelsCommand.ClientCommand command, ServalClient client, ObjectNode body,
        boolean wait, PrintWriter out) {
      JsonNode job = client.postJson(JobsRoutes.PREFIX, body);
      String id = job.path("id").asText();
      if (!wait) {
        return command.print(job, out, j -> out.println(id));
      }
      PrintWriter err = command.spec.commandLine().getErr();
      err.println("Job " + id + " queued; following its log ...");
      err.flush();
      return Logs.follow(client, id, null, out, err);
    }

    private List<String> command(Map<String, String> values) {
      if (trainer == null) {
        if (command.isEmpty() || input.given()) {
          throw new UsageException(command.isEmpty()
              ? "give the job's command after --, or --trainer mlp|cnn|linear|fm --data DATA"
              : "--data and --label go with --trainer, not with a command");
        }
        return command;
      }
      if (!command.isEmpty()) {
        throw new UsageException("--trainer runs the built-in trainer: give no command after it");
      }
      TrainerSettings.of(values).trainer(trainer, null);
      return TrainCommand.jobCommand(trainer, input, values);
    }

    /** NAME=PATH; with --trainer, NAME alone names the trained model and its lineage. */
    private List<Map<String, String>> outputModels() {
      List<Map<String, String>> models = new ArrayList<>();
      for (String text : outputs) {
        if (trainer != null && !text.contains("=")) {
          models.add(Map.of("model", text, "path", TrainCommand.MODEL_FILE,
              "lineage", TrainCommand.LINEAGE_FILE));
        } else {
          OutputModel o = OutputModel.parse(text);
          models.add(Map.of("model", o.model(), "path", o.path()));
        }
      }
      return models;
    }

    private static double seconds(String option, String text) {
      try {
        return Durations.parse(option, text).toMillis() / 1000.0;
      } catch (RuntimeException e) {
        throw new UsageException(e.getMessage());
      }
    }

    static Map<String, String> pairs(String option, List<String> texts) {
      Map<String, String> out = new java.util.TreeMap<>();
      for (String text : texts) {
        int eq = text.indexOf('=');
        if (eq < 1) {
          throw new UsageException(option + " must be KEY=VALUE but was '" + text + "'");
        }
        if (out.put(text.substring(0, eq), text.substring(eq + 1)) != null) {
          throw new UsageException(option + " " + text.substring(0, eq) + " is given twice");
        }
      }
      return out;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
  static final class ListJobs extends ModelsCommand.ClientCommand {
    @Option(names = "--state", paramLabel = "STATE", description = "Only jobs in this state.")
    String state;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N.")
    int limit;

    @Override
    int run(ServalClient client, PrintWriter out) {
      List<Map.Entry<String, String>> query = new ArrayList<>();
      query.add(Map.entry("limit", Integer.toString(limit)));
      if (state != null) {
        query.add(Map.entry("state", state));
      }
      JsonNode page = client.get(JobsRoutes.PREFIX + ServalClient.query(query));
      return print(page, out, p -> {
        Table table = new Table("ID", "NAME", "STATE", "ATTEMPT", "CREATED", "REASON");
        for (JsonNode j : p.path("jobs")) {
          table.row(j.path("id").asText(), j.path("name").asText(), j.path("state").asText(),
              j.path("attempt").asInt(), j.path("created").asText(), j.path("reason").asText());
        }
        table.print(out);
      });
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one job.")
  static final class Get extends ModelsCommand.ClientCommand {
    @Parameters(index = "0", paramLabel = "ID") String id;

    @Override
    int run(ServalClient client, PrintWriter out) {
      return print(client.get(jobPath(id)), out, j -> out.println(summary(j)));
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel a queued job, or stop a running one with all its processes.")
  static final class Cancel extends ModelsCommand.ClientCommand {
    @Parameters(index = "0", paramLabel = "ID") String id;

    @Override
    int run(ServalClient client, PrintWriter out) {
      JsonNode job = client.postJson(jobPath(id) + "/cancel", Map.of());
      return print(job, out, j -> out.println("CANCELLED".equals(j.path("state").asText())
          ? "Cancelled " + id + "." : "Cancelling " + id + ": its worker stops it shortly."));
    }
  }

  @Command(name = "metrics", mixinStandardHelpOptions = true,
      description = {
        "Show the latest value, range and trend of each metric a job reported.",
        "--plot writes them as an SVG chart; --json prints every point.",
        "Example: ./serval jobs metrics 4f2a9c --plot curves.svg"
      })
  static final class Metrics extends ModelsCommand.ClientCommand {
    private static final int TREND_WIDTH = 24;

    @Parameters(index = "0", paramLabel = "ID") String id;

    @Option(names = "--attempt", paramLabel = "N", description = "Default: the latest.")
    Integer attempt;

    @Option(names = "--metric", paramLabel = "NAME", description = "Only this metric.")
    String metric;

    @Option(names = "--plot", paramLabel = "FILE.svg",
        description = "Also write the chart (one panel per metric) to this SVG file.")
    Path plot;

    @Override
    int run(ServalClient client, PrintWriter out) {
      String attemptQuery = attempt == null ? "" : "?attempt=" + attempt;
      JsonNode answer = client.get(jobPath(id) + "/metrics" + attemptQuery);
      JsonNode series = chosen(answer.path("series"));
      if (plot != null) {
        writePlot(client);
      }
      return print(answer, out, m -> {
        if (series.isEmpty()) {
          out.println("Job " + id + " has no metrics yet in attempt " + m.path("attempt").asInt()
              + ": a job reports them by printing lines 'serval.metric NAME VALUE [STEP]'.");
        } else {
          table(series).print(out);
        }
        if (plot != null) {
          out.println("Wrote the chart to " + plot);
        }
      });
    }

    /** One row per metric: its last step and value, range, point count and sparkline. */
    private static Table table(JsonNode series) {
      String levels = Sparkline.levels();
      Table table = new Table("METRIC", "STEP", "VALUE", "MIN", "MAX", "POINTS", "TREND");
      series.fields().forEachRemaining(entry -> {
        double[] values = new double[entry.getValue().size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = entry.getValue().get(i).path("value").asDouble();
        }
        JsonNode last = entry.getValue().get(values.length - 1);
        DoubleSummaryStatistics finite = Arrays.stream(values).filter(Double::isFinite)
            .summaryStatistics();
        table.row(entry.getKey(), last.path("step").asLong(),
            MetricsChart.number(last.path("value").asDouble()),
            finite.getCount() == 0 ? "" : MetricsChart.number(finite.getMin()),
            finite.getCount() == 0 ? "" : MetricsChart.number(finite.getMax()), values.length,
            Sparkline.of(values, TREND_WIDTH, levels));
      });
      return table;
    }

    /** The series asked for: all, or the one {@code --metric} names (refused if absent). */
    private JsonNode chosen(JsonNode series) {
      if (metric == null || series.isEmpty()) {
        return series;
      }
      if (!series.has(metric)) {
        List<String> names = new ArrayList<>();
        series.fieldNames().forEachRemaining(names::add);
        throw new CommandException("job " + id + " has no metric '" + metric + "'; it has "
            + String.join(", ", names));
      }
      ObjectNode one = JSON.createObjectNode();
      one.set(metric, series.get(metric));
      return one;
    }

    private void writePlot(ServalClient client) {
      List<Map.Entry<String, String>> query = new ArrayList<>();
      if (attempt != null) {
        query.add(Map.entry("attempt", Integer.toString(attempt)));
      }
      if (metric != null) {
        query.add(Map.entry("metric", metric));
      }
      String svg = client.text(jobPath(id) + "/metrics.svg" + ServalClient.query(query));
      try {
        Path folder = plot.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Files.writeString(plot, svg);
      } catch (IOException e) {
        throw new CommandException("cannot write the chart to " + plot + ": " + e.getMessage()
            + "; give --plot a file in a folder you can write to");
      }
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true,
      description = "Print a job's log; with -f, follow it until the job ends.")
  static final class Logs extends ModelsCommand.ClientCommand {
    @Parameters(index = "0", paramLabel = "ID") String id;

    @Option(names = {"-f", "--follow"}, description = "Keep printing as the job writes.")
    boolean follow;

    @Option(names = "--attempt", paramLabel = "N", description = "Default: the latest.")
    Integer attempt;

    @Override
    int run(ServalClient client, PrintWriter out) {
      if (follow) {
        return follow(client, id, attempt, out, spec.commandLine().getErr());
      }
      out.print(client.text(jobPath(id) + "/logs" + (attempt == null ? "" : "?attempt="
          + attempt)));
      out.flush();
      return 0;
    }

    /** Prints the server-sent log lines, then the job's end; 0 when it SUCCEEDED. */
    static int follow(ServalClient client, String id, Integer attempt, PrintWriter out,
        PrintWriter err) {
      JsonNode job = events(client, id, attempt, line -> {
        out.println(line);
        out.flush();
      }, number -> {
        err.println("--- attempt " + number + " ---");
        err.flush();
      });
      err.println(summary(job));
      err.flush();
      return "SUCCEEDED".equals(job.path("state").asText()) ? 0 : ErrorHandler.FAILURE;
    }

    /**
     * Follows the job's log as server-sent events: each line and each new attempt to the
     * consumers, as they come; returns the finished job.
     */
    static JsonNode events(ServalClient client, String id, Integer attempt,
        Consumer<String> lineSeen, Consumer<String> attemptStarted) {
      String path = jobPath(id) + "/logs?follow=true" + (attempt == null ? ""
          : "&attempt=" + attempt);
      String event = null;
      try (Stream<String> lines = client.lines(path)) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.startsWith("event: ")) {
            event = line.substring("event: ".length());
          } else if (line.startsWith("data: ") || line.equals("data:")) {
            String data = line.length() > 6 ? line.substring(6) : "";
            if (event == null) {
              lineSeen.accept(data);
            } else if (event.equals("attempt")) {
              attemptStarted.accept(data);
            } else if (event.equals("end")) {
              return parse(data);
            } else {
              throw new CommandException("following the log of " + id + " failed: " + data);
            }
          } else if (line.isEmpty()) {
            event = null;
          }
        }
      }
      throw new CommandException("the server closed the log of " + id + " before the job ended;"
          + " run ./serval jobs logs -f " + id + " again");
    }

    private static JsonNode parse(String json) {
      try {
        return JSON.readTree(json);
      } catch (IOException e) {
        throw new UncheckedIOException("the server sent a job that is not JSON", e);
      }
    }
  }

  static String summary(JsonNode j) {
    StringBuilder line = new StringBuilder("Job " + j.path("id").asText() + " ("
        + j.path("name").asText() + "): " + j.path("state").asText() + ", attempt "
        + j.path("attempt").asInt());
    if (!j.path("exit_code").isNull() && !j.path("exit_code").isMissingNode()) {
      line.append(", exit code ").append(j.path("exit_code").asInt());
    }
    if (!j.path("reason").asText("").isEmpty()) {
      line.append(" - ").append(j.path("reason").asText());
    }
    for (JsonNode o : j.path("outputs")) {
      line.append("\n  pushed ").append(o.path("model").asText()).append(" v")
          .append(o.path("version").asInt());
    }
    return line.toString();
  }
}
