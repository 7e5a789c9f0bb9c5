package dev.serval.server.cli;

import dev.serval.bus.EventBus;
import dev.serval.bus.RabbitMqEventBus;
import dev.serval.core.Causes;
import dev.serval.core.ServalException;
import dev.serval.registry.ModelRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import picocli.CommandLine.Option;

/** Where the model registry keeps its metadata and artifacts; shared by the server commands. */
final class RegistryOptions {
  static final Path DEFAULT_DATA = Path.of(System.getProperty("user.home"), ".serval", "data");
  /** H2's error code for a database file locked by another process. */
  private static final int H2_DATABASE_IN_USE = 90020;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Folder for the model registry: its H2 database and the artifacts.")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      description = "Keep registry metadata in this database (e.g. jdbc:postgresql://host/serval)"
          + " instead of the embedded one; artifacts stay under --data.")
  String db;

  @Option(
      names = "--db-user",
      paramLabel = "USER",
      description = "Database user (default: the one in the URL, or the driver's default).")
  String dbUser;

  @Option(names = "--db-password", paramLabel = "PASSWORD", description = "Database password.")
  String dbPassword;

  @Option(
      names = "--artifacts",
      paramLabel = "DIR",
      description = "Folder for model artifacts (default: <data>/artifacts); give every node the"
          + " same shared folder when several share one --db.")
  Path artifacts;

  @Option(
      names = "--broker",
      paramLabel = "AMQP_URI",
      description = "Share registry events with the other servers on this RabbitMQ broker"
          + " (e.g. amqp://guest:guest@localhost:5672), so that a push, alias or deployment made"
          + " on one node goes live on all; use with a shared --db and artifact folder.")
  URI broker;

  /** The data folder asked for, or {@code fallback}. */
  Path dataDir(Path fallback) {
    return data != null ? data : fallback;
  }

  /**
   * Opens (and migrates) the registry.
   *
   * @throws UsageException when the data folder or database URL is unusable
   * @throws CommandException when the database cannot be opened
   */
  ModelRegistry open(Path dataDir) {
    if (db != null && !db.startsWith("jdbc:")) {
      throw new UsageException(
          "--db must be a JDBC URL such as jdbc:postgresql://localhost/serval but was " + db);
    }
    ensureFolder(dataDir);
    ModelRegistry.Builder builder = ModelRegistry.builder().dataDir(dataDir);
    EventBus bus = broker == null ? null : connectBroker();
    if (bus != null) {
      builder.eventBus(bus);
    }
    if (db != null) {
      builder.jdbc(db, dbUser, dbPassword).artifactDir(dataDir.resolve("artifacts"));
    }
    if (artifacts != null) {
      builder.artifactDir(artifacts);
    }
    String where =
        db != null ? "database " + withoutParameters(db) : "registry in " + dataDir.toAbsolutePath();
    try {
      return builder.build();
    } catch (RuntimeException e) {
      if (bus != null) {
        bus.close();
      }
      if (lockedByAnotherProcess(e)) {
        throw new CommandException("the " + where + " is in use by another process, probably a"
            + " running server; stop the server first");
      }
      throw new CommandException(
          "cannot open the " + where + ": " + Causes.rootMessage(e)
              + (db != null ? "; check --db, --db-user and --db-password"
                  : "; is another server using this --data folder?"));
    }
  }

  private static boolean lockedByAnotherProcess(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_IN_USE) {
        return true;
      }
    }
    return false;
  }

  /** The registry does not close a bus it was given: the caller closes {@code events()}. */
  private EventBus connectBroker() {
    if (!"amqp".equals(broker.getScheme()) && !"amqps".equals(broker.getScheme())) {
      throw new UsageException("--broker must be an amqp:// or amqps:// URI but was " + broker);
    }
    try {
      return RabbitMqEventBus.connect(broker);
    } catch (ServalException e) {
      throw new CommandException(e.getMessage());
    }
  }

  /** The URL up to its parameters, which may carry a password. */
  private static String withoutParameters(String url) {
    int end = url.length();
    for (char c : new char[] {'?', ';'}) {
      int at = url.indexOf(c);
      end = at >= 0 ? Math.min(end, at) : end;
    }
    return url.substring(0, end);
  }

  private static void ensureFolder(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UsageException("--data " + dir + " is a file; give a folder for the registry");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UsageException(
          "--data " + dir + " cannot be created (" + Causes.rootMessage(e) + ")");
    }
    if (!Files.isWritable(dir)) {
      throw new UsageException("--data " + dir + " is not writable");
    }
  }
}
