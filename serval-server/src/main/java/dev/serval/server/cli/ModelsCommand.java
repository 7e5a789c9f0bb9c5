package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serval.server.management.ManagementApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code serval models ...}: the model registry of a running server, over its management API. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Push, list and manage model versions in a running server's registry.",
    subcommands = {
      ModelsCommand.Push.class,
      ModelsCommand.ListModels.class,
      ModelsCommand.Get.class,
      ModelsCommand.Versions.class,
      ModelsCommand.Alias.class,
      DeploymentCommands.Deploy.class,
      DeploymentCommands.Promote.class,
      DeploymentCommands.Rollback.class,
      DeploymentCommands.Clear.class,
      DeploymentCommands.Show.class,
      ModelsCommand.Tag.class,
      ModelsCommand.Untag.class,
      ModelsCommand.Describe.class,
      ModelsCommand.Delete.class
    })
final class ModelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing models command");
  }

  /** What every models command shares: which server, and whether to print raw JSON. */
  abstract static class ClientCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--server",
        paramLabel = "URL",
        defaultValue = "${env:SERVAL_SERVER:-http://127.0.0.1:8000}",
        description = "Server to talk to (default: $SERVAL_SERVER or http://127.0.0.1:8000).")
    String server;

    @Option(
        names = "--api-key",
        paramLabel = "KEY",
        defaultValue = "${env:SERVAL_API_KEY}",
        description = "API key, for a server started with --auth (default: $SERVAL_API_KEY).")
    String apiKey;

    @Option(names = "--json", description = "Print the server's JSON answer instead of a table.")
    boolean json;

    @Override
    public final Integer call() {
      return run(new ServalClient(server, apiKey), spec.commandLine().getOut());
    }

    abstract int run(ServalClient client, PrintWriter out);

    /** Prints the answer as JSON or, by default, the way {@code table} does. */
    int print(JsonNode answer, PrintWriter out, java.util.function.Consumer<JsonNode> table) {
      if (json) {
        out.println(ServalClient.pretty(answer));
      } else {
        table.accept(answer);
      }
      out.flush();
      return 0;
    }

    static String modelPath(String model) {
      return ManagementApi.PREFIX + "/" + ServalClient.segment(model);
    }
  }

  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description = {
        "Upload a model file as the next version of NAME and wait for its validation.",
        "Exits with 1 when the version FAILED validation."
      })
  static final class Push extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
    String model;

    @Parameters(index = "1", paramLabel = "FILE", description = "The model file (model.onnx).")
    Path file;

    @Option(names = "--description", paramLabel = "TEXT", description = "What this version is.")
    String description;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag; may be repeated.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--parent", paramLabel = "MODEL:VERSION",
        description = "Lineage: the version this one was derived from.")
    String parent;

    @Option(names = "--job", paramLabel = "ID", description = "Lineage: the job that made it.")
    String job;

    @Option(names = "--transform", paramLabel = "NAME",
        description = "Lineage: what was done, e.g. quantize-int8.")
    String transform;

    @Option(
        names = "--test-cases",
        paramLabel = "FILE",
        description = "JSON test cases (inputs, expected outputs, tolerance) the version must pass.")
    Path testCases;

    @Option(names = "--no-wait", description = "Return once stored, before validation ends.")
    boolean noWait;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "Longest wait for validation (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    int run(ServalClient client, PrintWriter out) {
      requireFile("FILE", file);
      if (testCases != null) {
        requireFile("--test-cases", testCases);
      }
      if (timeoutSeconds < 1) {
        throw new UsageException("--timeout must be at least 1 second but was " + timeoutSeconds);
      }
      List<Map.Entry<String, String>> params = new ArrayList<>();
      if (description != null) {
        params.add(Map.entry("description", description));
      }
      for (String tag : tags) {
        if (tag.indexOf('=') < 1) {
          throw new UsageException("--tag must be KEY=VALUE but was '" + tag + "'");
        }
        params.add(Map.entry("tag", tag));
      }
      addIfSet(params, "parent", parent);
      addIfSet(params, "job", job);
      addIfSet(params, "transform", transform);
      params.add(Map.entry("wait", String.valueOf(!noWait)));
      params.add(Map.entry("timeout_seconds", String.valueOf(timeoutSeconds)));
      PrintWriter err = spec.commandLine().getErr();
      err.println("Uploading " + file + " (" + Table.bytes(size(file)) + ")"
          + (noWait ? " ..." : " and validating ..."));
      err.flush();
      Map<String, String> headers =
          testCases == null ? Map.of()
              : Map.of(ManagementApi.TEST_CASES_LENGTH, String.valueOf(size(testCases)));
      JsonNode version =
          client.post(modelPath(model) + "/versions" + ServalClient.query(params), body(), headers);
      print(version, out, v -> out.println(summary(v)));
      return "FAILED".equals(version.path("state").asText()) ? ErrorHandler.FAILURE : 0;
    }

    /** Streams from disk, test cases first: the server reads them before the artifact. */
    private BodyPublisher body() {
      try {
        if (testCases == null) {
          return BodyPublishers.ofFile(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      long length = size(testCases) + size(file);
      return BodyPublishers.fromPublisher(
          BodyPublishers.ofInputStream(() -> new SequenceInputStream(open(testCases), open(file))),
          length);
    }

    private static String summary(JsonNode v) {
      String line = v.path("model").asText() + " v" + v.path("version").asInt() + ": "
          + v.path("state").asText();
      String reason = v.path("reason").asText("");
      return switch (v.path("state").asText()) {
        case "READY" -> line + "  (sha256 " + shortHash(v) + ", "
            + Table.bytes(v.path("size_bytes").asLong()) + ")";
        case "FAILED" -> line + " - " + reason;
        default -> line + "  (see ./serval models versions " + v.path("model").asText() + ")";
      };
    }

    private static void requireFile(String what, Path path) {
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        throw new UsageException(what + " " + path + " is not a readable file");
      }
    }

    private static long size(Path path) {
      try {
        return Files.size(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
      }
    }

    private static InputStream open(Path path) {
      try {
        return Files.newInputStream(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List models by name.")
  static final class ListModels extends ClientCommand {
    @Option(names = "--prefix", paramLabel = "TEXT", description = "Only names starting so.")
    String prefix;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Only models with this tag.")
    String tag;

    @Mixin Paging paging;

    @Override
    int run(ServalClient client, PrintWriter out) {
      List<Map.Entry<String, String>> params = new ArrayList<>();
      addIfSet(params, "prefix", prefix);
      addIfSet(params, "tag", tag);
      paging.addTo(params);
      JsonNode page = client.get(ManagementApi.PREFIX + ServalClient.query(params));
      return print(page, out, p -> {
        Table table = new Table("NAME", "ALIASES", "TAGS", "DESCRIPTION");
        for (JsonNode m : p.path("models")) {
          table.row(m.path("name").asText(), pairs(m.path("aliases"), "v"),
              pairs(m.path("tags"), ""), m.path("description").asText(""));
        }
        table.print(out);
        printNext(p, out);
      });
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Show a model: description, tags, aliases and its versions.")
  static final class Get extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
    String model;

    @Override
    int run(ServalClient client, PrintWriter out) {
      JsonNode answer = client.get(modelPath(model));
      if (json) {
        return print(answer, out, m -> {});
      }
      out.println("Model:       " + answer.path("name").asText());
      out.println("Description: " + answer.path("description").asText(""));
      out.println("Tags:        " + pairs(answer.path("tags"), ""));
      out.println("Aliases:     " + pairs(answer.path("aliases"), "v"));
      out.println("Created:     " + answer.path("created").asText(""));
      out.println();
      JsonNode versions = client.get(modelPath(model) + "/versions");
      Versions.table(versions).print(out);
      printNext(versions, out);
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "versions",
      mixinStandardHelpOptions = true,
      description = "List a model's versions with their validation state.")
  static final class Versions extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
    String model;

    @Mixin Paging paging;

    @Override
    int run(ServalClient client, PrintWriter out) {
      List<Map.Entry<String, String>> params = new ArrayList<>();
      paging.addTo(params);
      JsonNode page = client.get(modelPath(model) + "/versions" + ServalClient.query(params));
      return print(page, out, p -> {
        table(p).print(out);
        printNext(p, out);
      });
    }

    static Table table(JsonNode page) {
      Table table = new Table("VERSION", "STATE", "SIZE", "SHA256", "CREATED", "NOTE");
      for (JsonNode v : page.path("versions")) {
        String reason = v.path("reason").asText("");
        table.row(v.path("version").asInt(), v.path("state").asText(),
            Table.bytes(v.path("size_bytes").asLong()), shortHash(v),
            v.path("created").asText(""),
            reason.isEmpty() ? v.path("description").asText("") : reason);
      }
      return table;
    }
  }

  @Command(
      name = "alias",
      mixinStandardHelpOptions = true,
      description = "Point an alias (production, staging ...) at a version, or --remove it.")
  static final class Alias extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
    String model;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "Alias name.")
    String alias;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION", description = "Version number.")
    Integer version;

    @Option(names = "--remove", description = "Remove the alias instead.")
    boolean remove;

    @Override
    int run(ServalClient client, PrintWriter out) {
      if (remove == (version != null)) {
        throw new UsageException(remove ? "give no VERSION with --remove"
            : "missing VERSION: ./serval models alias " + model + " " + alias + " VERSION");
      }
      String path = modelPath(model) + "/aliases/" + ServalClient.segment(alias);
      JsonNode answer =
          remove ? client.delete(path) : client.put(path, Map.of("version", version));
      return print(answer, out, m -> out.println(remove
          ? model + ": removed alias " + alias
          : model + ": " + alias + " -> v" + version));
    }
  }

  /** What {@code tag}, {@code untag} and {@code describe} share: NAME or NAME:VERSION. */
  abstract static class TagCommand extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "NAME[:VERSION]",
        description = "Model name; with :VERSION (a number) the version's tags instead.")
    String target;

    /** The tags route of the model or version, ending in "/tags/". */
    String tagsPath() {
      return targetPath() + "/tags/";
    }

    /** The model's or the version's route. */
    String targetPath() {
      int colon = target.lastIndexOf(':');
      if (colon < 0) {
        return modelPath(target);
      }
      String version = target.substring(colon + 1);
      if (!version.matches("[1-9][0-9]{0,9}")) {
        throw new UsageException(
            "NAME[:VERSION] needs a version number >= 1 after ':' but was '" + target + "'");
      }
      return modelPath(target.substring(0, colon)) + "/versions/" + version;
    }

    int printTags(JsonNode answer, PrintWriter out) {
      return print(answer, out, r -> out.println(target + " tags: " + pairs(r.path("tags"), "")));
    }
  }

  @Command(
      name = "tag",
      mixinStandardHelpOptions = true,
      description = {
        "Set tags of a model, or of one version with NAME:VERSION; existing keys are overwritten.",
        "Example: ./serval models tag iris:2 stage=prod owner=ana"
      })
  static final class Tag extends TagCommand {
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE", description = "Tags.")
    List<String> tags;

    @Override
    int run(ServalClient client, PrintWriter out) {
      String path = tagsPath();
      JsonNode answer = null;
      for (String tag : tags) {
        int eq = tag.indexOf('=');
        if (eq < 1) {
          throw new UsageException("a tag must be KEY=VALUE but was '" + tag + "'");
        }
        answer = client.put(path + ServalClient.segment(tag.substring(0, eq)),
            Map.of("value", tag.substring(eq + 1)));
      }
      return printTags(answer, out);
    }
  }

  @Command(
      name = "untag",
      mixinStandardHelpOptions = true,
      description = {
        "Remove tags of a model, or of one version with NAME:VERSION; unset keys are ignored.",
        "Example: ./serval models untag iris:2 stage"
      })
  static final class Untag extends TagCommand {
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY", description = "Tag keys.")
    List<String> keys;

    @Override
    int run(ServalClient client, PrintWriter out) {
      String path = tagsPath();
      JsonNode answer = null;
      for (String key : keys) {
        answer = client.delete(path + ServalClient.segment(key));
      }
      return printTags(answer, out);
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = {
        "Replace the description of a model, or of one version with NAME:VERSION.",
        "Example: ./serval models describe iris:2 \"retrained on May data\""
      })
  static final class Describe extends TagCommand {
    @Parameters(index = "1", paramLabel = "TEXT", description = "The new description.")
    String text;

    @Override
    int run(ServalClient client, PrintWriter out) {
      JsonNode answer = client.patch(targetPath(), Map.of("description", text));
      return print(answer, out, r -> out.println(target + ": " + r.path("description").asText()));
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = {
        "Delete one version of a model, or the whole model when no VERSION is given.",
        "Refused while an alias or deployment uses the version."
      })
  static final class Delete extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Model name.")
    String model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION", description = "Version number.")
    Integer version;

    @Override
    int run(ServalClient client, PrintWriter out) {
      String path = modelPath(model) + (version == null ? "" : "/versions/" + version);
      client.delete(path);
      out.println("Deleted " + model + (version == null ? "" : " v" + version) + ".");
      out.flush();
      return 0;
    }
  }

  /** Cursor paging of the list commands. */
  static final class Paging {
    @Option(names = "--limit", paramLabel = "N", description = "At most N items (server default 100).")
    Integer limit;

    @Option(
        names = "--after",
        paramLabel = "KEY",
        description = "Start after this model name or version number (the previous page's next).")
    String after;

    void addTo(List<Map.Entry<String, String>> params) {
      addIfSet(params, "limit", limit);
      addIfSet(params, "after", after);
    }
  }

  private static void addIfSet(List<Map.Entry<String, String>> params, String name, Object value) {
    if (value != null) {
      params.add(Map.entry(name, value.toString()));
    }
  }

  /** An object's fields as {@code key=value, ...}; {@code valuePrefix} marks versions. */
  private static String pairs(JsonNode object, String valuePrefix) {
    StringBuilder text = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      text.append(text.length() == 0 ? "" : ", ")
          .append(field.getKey()).append('=').append(valuePrefix).append(field.getValue().asText());
    }
    return text.toString();
  }

  private static String shortHash(JsonNode version) {
    String sha = version.path("sha256").asText("");
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  private static void printNext(JsonNode page, PrintWriter out) {
    JsonNode next = page.path("next");
    if (next.isTextual() && !next.asText().isEmpty()) {
      out.println("(more: add --after " + next.asText() + ")");
    }
  }
}
