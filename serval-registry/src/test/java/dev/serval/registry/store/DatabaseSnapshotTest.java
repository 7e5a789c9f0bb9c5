package dev.serval.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSnapshotTest {
  @TempDir Path dir;
  private Database db;

  @BeforeEach
  void createTable() {
    db = Database.h2(dir);
    db.transaction(c -> update(c, "CREATE TABLE t (n INTEGER)"));
    db.transaction(c -> update(c, "INSERT INTO t VALUES (1)"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void snapshotKeepsSeeingTheStateOfItsFirstReadWhileOthersCommit() {
    int[] counts = db.snapshot(c -> {
      int before = count(c);
      db.transaction(other -> update(other, "INSERT INTO t VALUES (2)"));
      return new int[] {before, count(c)};
    });

    assertThat(counts).containsExactly(1, 1);
    assertThat(db.transaction(DatabaseSnapshotTest::count)).isEqualTo(2);
  }

  private static int update(Connection c, String sql) throws SQLException {
    try (Statement statement = c.createStatement()) {
      return statement.executeUpdate(sql);
    }
  }

  private static int count(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
