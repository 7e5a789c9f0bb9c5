package dev.serval.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlTest {
  private enum Color {
    RED
  }

  /** One row of the test table as the helpers read it back. */
  private record Item(long id, String color, Instant at, Integer count) {}

  @TempDir Path dir;
  private Database db;

  @BeforeEach
  void createTable() {
    db = Database.h2(dir, "sql");
    db.transaction(
        c ->
            Sql.update(
                c,
                "CREATE TABLE items (id BIGINT PRIMARY KEY, color VARCHAR(16),"
                    + " at TIMESTAMP WITH TIME ZONE, count INTEGER)"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void bindsInstantsEnumsAndNullsAndReadsThemBack() {
    Instant at = Instant.parse("2024-05-06T07:08:09.123Z");
    db.transaction(c -> insert(c, 1, Color.RED, at, 3));
    db.transaction(c -> insert(c, 2, null, null, null));

    assertThat(read(1)).contains(new Item(1, "RED", at, 3));
    assertThat(read(2)).contains(new Item(2, null, null, null));
  }

  @Test
  void singleIsEmptyWithoutRows() {
    assertThat(read(9)).isEmpty();
  }

  @Test
  void updateCountsTheRowsItChanged() {
    db.transaction(c -> insert(c, 1, null, null, 1) + insert(c, 2, null, null, 1));

    int changed = db.transaction(c -> Sql.update(c, "UPDATE items SET count = count + ?", 1));

    assertThat(changed).isEqualTo(2);
  }

  @Test
  void groupsRowsByTheirFirstColumnWithNamesSorted() {
    db.transaction(
        c ->
            insert(c, 1, Color.RED, null, 10)
                + insert(c, 2, Color.RED, null, 20)
                + insert(c, 3, null, null, 30));

    Map<String, SortedMap<String, Integer>> grouped =
        db.transaction(
            c ->
                Sql.grouped(
                    c,
                    "SELECT COALESCE(color, 'none'), CAST(id AS VARCHAR), count FROM items"
                        + " WHERE count > ?",
                    rs -> rs.getString(1),
                    rs -> rs.getInt(3),
                    5));

    assertThat(grouped).containsOnlyKeys("RED", "none");
    assertThat(grouped.get("RED")).containsExactly(Map.entry("1", 10), Map.entry("2", 20));
    assertThat(grouped.get("none")).containsExactly(Map.entry("3", 30));
  }

  @Test
  void duplicateKeyReportsTheUniqueViolationState() {
    db.transaction(c -> insert(c, 1, null, null, null));

    assertThatThrownBy(() -> db.transaction(c -> insert(c, 1, null, null, null)))
        .isInstanceOf(StoreException.class)
        .cause()
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> assertThat(e.getSQLState()).isEqualTo(Sql.UNIQUE_VIOLATION));
  }

  private static int insert(Connection c, long id, Color color, Instant at, Integer count)
      throws SQLException {
    return Sql.update(
        c, "INSERT INTO items (id, color, at, count) VALUES (?, ?, ?, ?)", id, color, at, count);
  }

  private Optional<Item> read(long id) {
    return db.transaction(c -> item(c, id));
  }

  private static Optional<Item> item(Connection c, long id) throws SQLException {
    return Sql.single(
        c,
        "SELECT id, color, at, count FROM items WHERE id = ?",
        rs ->
            new Item(
                rs.getLong("id"),
                rs.getString("color"),
                Sql.instant(rs, "at"),
                Sql.integer(rs, "count")),
        id);
  }
}
