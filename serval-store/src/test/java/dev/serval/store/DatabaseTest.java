package dev.serval.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.ErrorKind;
import dev.serval.core.InvalidInputException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  private static final String FIRST = "classpath:db/test-first";
  private static final String SECOND = "classpath:db/test-second";

  @TempDir Path dir;
  private Database db;

  @BeforeEach
  void open() {
    db = Database.h2(dir, "store");
    db.migrate(FIRST, "first_history");
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void h2FileLivesInTheGivenFolderUnderTheGivenName() {
    assertThat(dir.resolve("store.mv.db")).exists();
    assertThat(db.redactedUrl()).isEqualTo("jdbc:h2:file:" + dir.toAbsolutePath().resolve("store"));
  }

  @Test
  void commitsWhenWorkReturnsAndRollsBackWhenItThrows() {
    db.transaction(c -> insert(c, 1, "kept"));
    assertThatThrownBy(
            () ->
                db.transaction(
                    c -> {
                      insert(c, 2, "dropped");
                      throw new IllegalStateException("stop");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(db.transaction(DatabaseTest::names)).containsExactly("kept");
  }

  @Test
  void sqlErrorBecomesUnavailableStoreExceptionNamingTheDatabase() {
    db.transaction(c -> insert(c, 1, "a"));

    assertThatThrownBy(() -> db.transaction(c -> insert(c, 1, "b")))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
        .hasMessageStartingWith("database error at " + db.redactedUrl() + ": ")
        .hasRootCauseInstanceOf(SQLException.class);
    assertThat(db.transaction(DatabaseTest::names)).containsExactly("a");
  }

  @Test
  void featuresMigrateSideBySideWithTheirOwnHistoryTables() {
    db.migrate(SECOND, "second_history");
    db.migrate(FIRST, "first_history");

    List<String> tables =
        db.transaction(
            c ->
                Sql.query(
                    c,
                    "SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = 'public' ORDER BY table_name",
                    rs -> rs.getString(1)));
    assertThat(tables)
        .containsExactly("first_history", "first_items", "second_history", "second_items");
  }

  @Test
  void failedMigrationNamesLocationAndDatabase() {
    assertThatThrownBy(() -> db.migrate("classpath:db/test-first", "second_items_clash"))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "schema migration from classpath:db/test-first failed for " + db.redactedUrl());
  }

  @Test
  void snapshotKeepsSeeingTheStateOfItsFirstReadWhileOthersCommit() {
    db.transaction(c -> insert(c, 1, "a"));

    int[] counts =
        db.snapshot(
            c -> {
              int before = names(c).size();
              db.transaction(other -> insert(other, 2, "b"));
              return new int[] {before, names(c).size()};
            });

    assertThat(counts).containsExactly(1, 1);
    assertThat(db.transaction(DatabaseTest::names)).hasSize(2);
  }

  @Test
  void unreachableDatabaseIsUnavailableWithoutItsCredentials() {
    try (Database down =
        Database.of("jdbc:postgresql://127.0.0.1:1/none?password=secret", null, null)) {
      assertThatThrownBy(() -> down.transaction(c -> null))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("cannot connect to jdbc:postgresql://127.0.0.1:1/none: ")
          .message()
          .doesNotContain("secret");
    }
  }

  @Test
  void rejectsArgumentsThatNameNoDatabase() {
    assertThatThrownBy(() -> Database.of("postgresql://x/db", null, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("jdbcUrl must start with jdbc:, got 'postgresql://x/db'");
    assertThatThrownBy(() -> Database.h2(dir, "a/b"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("fileName must be a plain file name, got 'a/b'");
    assertThatThrownBy(() -> db.migrate(FIRST, " "))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("historyTable must not be blank, got ' '");
  }

  private static int insert(Connection c, long id, String name) throws SQLException {
    return Sql.update(c, "INSERT INTO first_items (id, name) VALUES (?, ?)", id, name);
  }

  private static List<String> names(Connection c) throws SQLException {
    return Sql.query(c, "SELECT name FROM first_items ORDER BY id", rs -> rs.getString(1));
  }
}
