package dev.serval.registry.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.flywaydb.core.Flyway;

/**
 * The registry's metadata database: an embedded H2 file or PostgreSQL, one SQL dialect for both
 * (H2 runs in PostgreSQL mode). Work runs in short transactions on connections kept in a small
 * idle pool: opening a PostgreSQL connection costs a network round trip and authentication.
 */
public final class Database implements AutoCloseable {
  /** H2 options that make it behave like PostgreSQL; lock timeout covers contended counters. */
  private static final String H2_OPTIONS =
      ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000";
  private static final int MAX_IDLE = 8;

  private final String url;
  private final String user;
  private final String password;
  private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(MAX_IDLE);

  private Database(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** An embedded H2 database in {@code dir} (file {@code registry.mv.db}). */
  public static Database h2(Path dir) {
    Objects.requireNonNull(dir, "dir");
    return new Database(
        "jdbc:h2:file:" + dir.toAbsolutePath().resolve("registry") + H2_OPTIONS, "sa", "");
  }

  /** Any JDBC URL (PostgreSQL or H2); user and password may be null when the URL carries them. */
  public static Database of(String jdbcUrl, String user, String password) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("jdbcUrl must start with jdbc: " + jdbcUrl);
    }
    return new Database(jdbcUrl, user, password);
  }

  /** Brings the schema to the newest version (db/migration on the class path). */
  public void migrate() {
    try {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(url, user, password)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new StorageException("schema migration failed for " + redactedUrl(), e);
    }
  }

  /** Work run inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction: committed when it returns, rolled back when it throws.
   * Unchecked exceptions pass through; SQL errors become {@link StorageException}.
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
      throw new StorageException("database error: " + e.getMessage(), e);
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
      throw new StorageException("database error: " + e.getMessage(), e);
    }
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
      throw new StorageException("cannot connect to " + redactedUrl(), e);
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

  /** The URL without its query part, where a password may be. */
  private String redactedUrl() {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  @Override
  public void close() {
    Connection connection;
    while ((connection = idle.poll()) != null) {
      closeQuietly(connection);
    }
  }
}
