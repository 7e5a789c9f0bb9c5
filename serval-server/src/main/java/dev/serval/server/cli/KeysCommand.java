package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.registry.ModelRegistry;
import dev.serval.security.ApiKey;
import dev.serval.security.ApiKeys;
import dev.serval.security.AuditEvent;
import dev.serval.security.AuditLog;
import dev.serval.security.CreatedKey;
import dev.serval.security.NewKey;
import dev.serval.security.RateLimit;
import dev.serval.security.Role;
import dev.serval.server.security.SecurityJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code serval keys ...}: API keys, through a running server's API with {@code --server}, or
 * straight in the database (how an operator gets the first admin key before any server runs).
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list and revoke API keys (for servers started with --auth).",
      "With --server URL the commands use that server's API and need an admin key; without it"
          + " they work on the database (--data or --db) directly, as the local user."
    },
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class,
        KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
  static final String PATH = "/api/v1/keys";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing keys command");
  }

  /** Creates a key as the local user and records it in the audit log. */
  static CreatedKey createLocally(ApiKeys keys, AuditLog audit, NewKey spec) {
    CreatedKey created = keys.create(spec);
    audit.record(new AuditEvent(spec.createdBy(), "local", "keys.create", null, null,
        created.key().summary(), 201));
    return created;
  }

  /** Where the keys are: the server's API or the database. Answers are the API's JSON. */
  private interface Keys {
    JsonNode create(Map<String, Object> request);

    JsonNode list();

    JsonNode revoke(String id);
  }

  /** The options every keys command shares, and the choice between server and database. */
  abstract static class KeysSubcommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL",
        description = "Manage the keys through this server's API (needs an admin key) instead"
            + " of the database.")
    String server;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:SERVAL_API_KEY}",
        description = "Admin API key for --server (default: $SERVAL_API_KEY).")
    String apiKey;

    @Mixin RegistryOptions registry;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public final Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (server != null) {
        if (registry.data != null || registry.db != null) {
          throw new UsageException("give either --server or --data/--db, not both");
        }
        return run(remote(new ServalClient(server, apiKey)), out);
      }
      try (ModelRegistry opened = registry.open(registry.dataDir(RegistryOptions.DEFAULT_DATA))) {
        return run(local(opened), out);
      }
    }

    abstract int run(Keys keys, PrintWriter out);

    int printJson(JsonNode answer, PrintWriter out) {
      out.println(ServalClient.pretty(answer));
      out.flush();
      return 0;
    }
  }

  private static Keys remote(ServalClient client) {
    return new Keys() {
      @Override
      public JsonNode create(Map<String, Object> request) {
        return client.postJson(PATH, request);
      }

      @Override
      public JsonNode list() {
        return client.get(PATH);
      }

      @Override
      public JsonNode revoke(String id) {
        return client.delete(PATH + "/" + ServalClient.segment(id));
      }
    };
  }

  private static Keys local(ModelRegistry registry) {
    ApiKeys keys = ApiKeys.builder().database(registry.database()).build();
    AuditLog audit = AuditLog.on(registry.database(), Clock.systemUTC());
    return new Keys() {
      @Override
      public JsonNode create(Map<String, Object> request) {
        NewKey spec;
        try {
          spec = new NewKey((String) request.get("name"),
              Role.parse((String) request.get("role")), models(request),
              Optional.ofNullable((String) request.get("rate_limit")).map(RateLimit::parse),
              SecurityOptions.localActor());
        } catch (InvalidInputException e) {
          throw new UsageException(e.getMessage());
        }
        return tree(SecurityJson.created(createLocally(keys, audit, spec)));
      }

      @Override
      public JsonNode list() {
        return tree(SecurityJson.keys(keys.list()));
      }

      @Override
      public JsonNode revoke(String id) {
        ApiKey revoked = keys.revoke(id);
        audit.record(new AuditEvent(SecurityOptions.localActor(), "local", "keys.revoke", null,
            null, "id=" + id, 200));
        return tree(SecurityJson.key(revoked));
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static List<String> models(Map<String, Object> request) {
    return (List<String>) request.getOrDefault("models", List.of());
  }

  private static JsonNode tree(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("the key JSON is always valid", e);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create an API key and print it once: store it right away.",
          "The key goes to standard output, everything else to standard error."})
  static final class Create extends KeysSubcommand {
    @Option(names = "--name", required = true, paramLabel = "NAME",
        description = "What the key is for, e.g. ci or checkout-service.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "admin, deployer (inference and model changes) or inference.")
    String role;

    @Option(names = "--model", paramLabel = "NAME",
        description = "Limit the key to this model; may be repeated (default: every model).")
    List<String> models = new ArrayList<>();

    @Option(names = "--rate-limit", paramLabel = "RATE",
        description = "The key's own rate limit, RATE[/s|/m][:BURST] (default: the server's).")
    String rateLimit;

    @Override
    int run(Keys keys, PrintWriter out) {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("name", name);
      request.put("role", role);
      request.put("models", models);
      if (rateLimit != null) {
        request.put("rate_limit", rateLimit);
      }
      JsonNode created = keys.create(request);
      if (json) {
        return printJson(created, out);
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println("Created API key '" + created.path("name").asText() + "' (id "
          + created.path("id").asText() + ", role " + created.path("role").asText() + ", "
          + scope(created) + ").");
      err.println("Store it now: it is not shown again. Send it as 'Authorization: Bearer"
          + " <key>', or set SERVAL_API_KEY for the CLI.");
      err.flush();
      out.println(created.path("token").asText());
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the API keys, revoked ones included (never their secrets).")
  static final class ListKeys extends KeysSubcommand {
    @Override
    int run(Keys keys, PrintWriter out) {
      JsonNode list = keys.list();
      if (json) {
        return printJson(list, out);
      }
      Table table = new Table("ID", "NAME", "ROLE", "MODELS", "RATE LIMIT", "CREATED",
          "CREATED BY", "REVOKED");
      for (JsonNode k : list.path("keys")) {
        table.row(k.path("id").asText(), k.path("name").asText(), k.path("role").asText(),
            scope(k), k.path("rate_limit").asText("default"), k.path("created").asText(),
            k.path("created_by").asText(), k.path("revoked").asText(""));
      }
      table.print(out);
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke an API key: refused from now on (within seconds on other nodes).")
  static final class Revoke extends KeysSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The key's id (see keys list).")
    String id;

    @Override
    int run(Keys keys, PrintWriter out) {
      JsonNode revoked = keys.revoke(id);
      if (json) {
        return printJson(revoked, out);
      }
      out.println("Revoked API key '" + revoked.path("name").asText() + "' (id "
          + revoked.path("id").asText() + ") at " + revoked.path("revoked").asText() + ".");
      out.flush();
      return 0;
    }
  }

  private static String scope(JsonNode key) {
    List<String> models = new ArrayList<>();
    key.path("models").forEach(m -> models.add(m.asText()));
    return models.isEmpty() ? "all models" : String.join(",", models);
  }
}
