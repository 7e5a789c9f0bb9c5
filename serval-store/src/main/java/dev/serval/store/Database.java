package dev.serval.store;

import dev.serval.core.InvalidInputException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded H2 file database or PostgreSQL with one SQL dialect for both (H2 runs in PostgreSQL
 * mode). Work runs in short transactions on connections kept in a small idle pool: opening a
 * PostgreSQL connection costs a network round trip and authentication. Several features may
 * share one database, each migrating its own tables with its own history table.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final int MAX_IDLE = 8;

  private final String url;
  private final String user;
  private final String password;
  private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(MAX_IDLE);

  private Database(String url, String user, String password) {
    this.url = H2Settings.isH2(url) ? H2Settings.merge(url) : url;
    this.user = user;
    this.password = password;
  }

  /** An embedded H2 database in the file {@code dir/fileName.mv.db}. */
  public static Database h2(Path dir, String fileName) {
    if (dir == null) {
      throw new InvalidInputException("dir must not be null");
    }
    if (fileName == null || fileName.isBlank() || fileName.contains("/")
        || fileName.contains("\\")) {
      throw new InvalidInputException("fileName must be a plain file name, got '" + fileName + "'");
    }
    return new Database("jdbc:h2:file:" + dir.toAbsolutePath().resolve(fileName), "sa", "");
  }

  /**
   * Any JDBC URL, e.g. PostgreSQL or H2; user and password may be null when the URL carries them.
   * An H2 URL gets the PostgreSQL-compatible settings unless it sets them itself.
   */
  public static Database of(String jdbcUrl, String user, String password) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new InvalidInputException("jdbcUrl must start with jdbc:, got '" + jdbcUrl + "'");
    }
    return new Database(jdbcUrl, user, password);
  }

  /**
   * Brings the tables of one feature to their newest version. Each feature keeps its own
   * {@code historyTable}, and the baseline is version 0, so a database that already holds other
   * features' tables is migrated rather than refused as not empty.
   *
   * @param location Flyway location of the migration scripts, e.g. {@code classpath:db/x}
   */
  public void migrate(String location, String historyTable) {
    requireText("location", location);
    requireText("historyTable", historyTable);
    MigrateResult result;
    try {
      result =
          Flyway.configure(Database.class.getClassLoader())
              .dataSource(url, user, password)
              .locations(location)
              .table(historyTable)
              .baselineOnMigrate(true)
              .baselineVersion("0")
              .load()
              .migrate();
    } catch (RuntimeException e) {
      throw new StoreException(
          "schema migration from " + location + " failed for " + redactedUrl(), e);
    }
    if (result.migrationsExecuted > 0) {
      log.info("{}: applied {} migration(s) from {}, now at version {}", redactedUrl(),
          result.migrationsExecuted, location, result.targetSchemaVersion);
    }
  }

  /** Work run inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction: committed when it returns, rolled back when it throws.
   * Unchecked exceptions pass through; SQL errors become {@link StoreException}.
   */
  public <T> T transaction(Work<T> work) {
    Connection connection = borrow();
    boolean healthy = false;
    try {
      T result = work.run(connection);
      connection.commit();
      healthy = true;
      return result;
    } catch (SQLException e) {
      healthy = rollback(connection);
      throw failure(e);
    } catch (RuntimeException e) {
      healthy = rollback(connection);
      throw e;
    } finally {
      release(connection, healthy);
    }
  }

  /**
   * Runs {@code work}, which must only read, in one REPEATABLE READ transaction, so that all its
   * queries see the same committed state: a backup reads every table consistently while others
   * keep writing. The connection is marked read-only (PostgreSQL enforces it, H2 does not) and
   * not pooled, so its settings never leak into later transactions.
   */
  public <T> T snapshot(Work<T> work) {
    try (Connection connection = connect()) {
      connection.setReadOnly(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * The URL without its query part or H2 settings, where credentials may be: fit for messages
   * and logs.
   */
  public String redactedUrl() {
    int end = url.length();
    for (char separator : new char[] {'?', ';'}) {
      int index = url.indexOf(separator);
      if (index >= 0) {
        end = Math.min(end, index);
      }
    }
    return url.substring(0, end);
  }

  private StoreException failure(SQLException e) {
    return new StoreException("database error at " + redactedUrl() + ": " + e.getMessage(), e);
  }

  private Connection borrow() {
    Connection connection = idle.poll();
    return connection != null ? connection : connect();
  }

  private Connection connect() {
    try {
      Connection connection = DriverManager.getConnection(url, user, password);
      connection.setAutoCommit(false);
      return connection;
    } catch (SQLException e) {
      throw new StoreException("cannot connect to " + redactedUrl() + ": " + e.getMessage(), e);
    }
  }

  private static boolean rollback(Connection connection) {
    try {
      connection.rollback();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** A connection that failed mid-transaction is closed rather than reused in an unknown state. */
  private void release(Connection connection, boolean healthy) {
    if (!healthy || !idle.offer(connection)) {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing to do: the connection is being discarded
    }
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(name + " must not be blank, got '" + value + "'");
    }
  }

  /** Closes the idle connections; with the last one an embedded database closes too. */
  @Override
  public void close() {
    Connection connection;
    while ((connection = idle.poll()) != null) {
      closeQuietly(connection);
    }
  }
}
