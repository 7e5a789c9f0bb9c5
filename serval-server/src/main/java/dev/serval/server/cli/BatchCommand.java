package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code serval batch ...}: batch inference over a JSON Lines file on a running server. */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = "Run a JSON Lines file of inference requests (one per line) through a model in"
        + " the background, and follow or fetch the result.",
    subcommands = {BatchCommand.Submit.class, BatchCommand.Status.class, BatchCommand.Fetch.class})
final class BatchCommand implements Runnable {
  private static final String ASYNC = "/v2/async/";

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing batch command");
  }

  static String statusPath(String id) {
    return ASYNC + ServalClient.segment(id) + "/status";
  }

  /** E.g. "3f2c...: RUNNING 120/1000 lines (mlp)". */
  static String summary(JsonNode status) {
    JsonNode progress = status.path("progress");
    String line = status.path("id").asText() + ": " + status.path("status").asText() + " "
        + progress.path("done").asInt() + "/" + progress.path("total").asInt() + " lines ("
        + status.path("model").asText() + ")";
    String error = status.path("error").asText("");
    return error.isEmpty() ? line : line + " - " + error;
  }

  /** Writes the finished batch's JSON Lines to {@code output}, or to {@code out} without one. */
  static void fetch(ServalClient client, JsonNode status, Path output, PrintWriter out) {
    String state = status.path("status").asText();
    if (state.equals("FAILED")) {
      throw new CommandException("batch " + status.path("id").asText() + " failed: "
          + status.path("error").asText());
    }
    if (!state.equals("SUCCEEDED")) {
      throw new CommandException("batch " + summary(status) + " has not finished; fetch it"
          + " later, or follow it with ./serval batch status");
    }
    byte[] lines = client.download(ASYNC + ServalClient.segment(status.path("id").asText()));
    if (output == null) {
      out.print(new String(lines, StandardCharsets.UTF_8));
      out.flush();
      return;
    }
    try {
      Files.write(output, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
    }
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = {
        "Send FILE (one inference request JSON per line) to MODEL as a batch; prints its id.",
        "Each line's answer (or error) becomes one line of the result, in order."
      })
  static final class Submit extends ModelsCommand.ClientCommand {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model name.")
    String model;

    @Parameters(index = "1", paramLabel = "FILE", description = "JSON Lines file of requests.")
    Path file;

    @Option(names = "--version", paramLabel = "VERSION",
        description = "A version number or alias (default: the model's default version).")
    String version;

    @Option(names = "--wait", description = "Wait for the batch to finish, showing progress.")
    boolean await;

    @Option(names = "--output", paramLabel = "OUT",
        description = "With --wait: write the result here instead of to standard output.")
    Path output;

    @Option(names = "--callback-url", paramLabel = "URL",
        description = "POST the result to this http(s) URL when the batch finishes.")
    String callbackUrl;

    @Option(names = "--reply-to", paramLabel = "QUEUE",
        description = "Publish the result to this RabbitMQ queue (server started with --broker).")
    String replyTo;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
        description = "With --wait: how often to ask for progress (default: ${DEFAULT-VALUE}).")
    double intervalSeconds;

    @Override
    int run(ServalClient client, PrintWriter out) {
      if (!Files.isRegularFile(file)) {
        throw new UsageException("FILE " + file + " is not a readable file");
      }
      if (output != null && !await) {
        throw new UsageException("--output needs --wait; without it, fetch the result later"
            + " with ./serval batch fetch ID --output " + output);
      }
      if (!(intervalSeconds >= 0.05 && intervalSeconds <= 3600)) {
        throw new UsageException("--interval must be between 0.05 and 3600 seconds but was "
            + intervalSeconds);
      }
      JsonNode accepted;
      try {
        accepted = client.post(path(), BodyPublishers.ofFile(file), Map.of());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      PrintWriter err = spec.commandLine().getErr();
      if (!await) {
        return print(accepted, out, status -> out.println(status.path("id").asText()));
      }
      JsonNode finished = follow(client, accepted.path("id").asText(), err);
      fetch(client, finished, output, out);
      return 0;
    }

    private String path() {
      String base = "/v2/models/" + ServalClient.segment(model)
          + (version == null ? "" : "/versions/" + ServalClient.segment(version)) + "/batch";
      List<Map.Entry<String, String>> params = new ArrayList<>();
      if (callbackUrl != null) {
        params.add(Map.entry("callback_url", callbackUrl));
      }
      if (replyTo != null) {
        params.add(Map.entry("reply_to", replyTo));
      }
      return base + ServalClient.query(params);
    }

    /** Polls the status, printing each change of progress, until the batch has finished. */
    private JsonNode follow(ServalClient client, String id, PrintWriter err) {
      String shown = "";
      while (true) {
        JsonNode status = client.get(statusPath(id));
        String line = summary(status);
        if (!line.equals(shown)) {
          err.println(line);
          err.flush();
          shown = line;
        }
        String state = status.path("status").asText();
        if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
          return status;
        }
        try {
          Thread.sleep(Math.round(intervalSeconds * 1000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CommandException("interrupted; the batch goes on: ./serval batch status "
              + id);
        }
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show a batch's state and progress.")
  static final class Status extends ModelsCommand.ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The id submit printed.")
    String id;

    @Override
    int run(ServalClient client, PrintWriter out) {
      return print(client.get(statusPath(id)), out, status -> out.println(summary(status)));
    }
  }

  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Write a finished batch's result (JSON Lines, one answer per request line).")
  static final class Fetch extends ModelsCommand.ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The id submit printed.")
    String id;

    @Option(names = "--output", paramLabel = "OUT",
        description = "Write the result here instead of to standard output.")
    Path output;

    @Override
    int run(ServalClient client, PrintWriter out) {
      fetch(client, client.get(statusPath(id)), output, out);
      return 0;
    }
  }
}
