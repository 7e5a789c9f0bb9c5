package dev.serval.registry.backup.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.core.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.List;

/** A table's rows as JSON lines: one object per row, its fields in column order. */
public final class TableRows {
  /** Rows fetched per round trip while dumping, and inserted per batch while loading. */
  private static final int CHUNK = 500;
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private TableRows() {}

  /**
   * Writes every row of {@code table} to {@code out} in primary-key order, so that the same data
   * always gives the same file.
   *
   * @return the number of rows
   */
  public static long dump(Connection c, Table table, OutputStream out)
      throws SQLException, IOException {
    List<Column> columns = table.columns();
    String sql = "SELECT " + Sql.quoteAll(columns.stream().map(Column::name).toList())
        + " FROM " + Sql.quote(table.name())
        + (table.primaryKey().isEmpty() ? "" : " ORDER BY " + Sql.quoteAll(table.primaryKey()));
    long rows = 0;
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      statement.setFetchSize(CHUNK);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          ObjectNode row = JSON.createObjectNode();
          for (int i = 0; i < columns.size(); i++) {
            row.set(columns.get(i).name(), columns.get(i).type().read(rs, i + 1));
          }
          out.write(JSON.writeValueAsBytes(row));
          out.write('\n');
          rows++;
        }
      }
    }
    return rows;
  }

  /**
   * Inserts the rows read from {@code lines} into {@code table}, converting each field by its
   * column's type as the archive recorded it.
   *
   * @return the number of rows
   * @throws InvalidInputException when a line is not a row of these columns
   */
  public static long load(Connection c, String table, List<Column> columns, BufferedReader lines)
      throws SQLException, IOException {
    String sql = "INSERT INTO " + Sql.quote(table)
        + " (" + Sql.quoteAll(columns.stream().map(Column::name).toList()) + ") VALUES ("
        + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
    long rows = 0;
    try (PreparedStatement insert = c.prepareStatement(sql)) {
      String line;
      while ((line = lines.readLine()) != null) {
        rows++;
        bind(insert, columns, parse(line, table, rows), table, rows);
        insert.addBatch();
        if (rows % CHUNK == 0) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
    return rows;
  }

  private static JsonNode parse(String line, String table, long row) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (JsonProcessingException e) {
      // reported below with the row it is in
    }
    throw new InvalidInputException("row " + row + " of table " + table + " is not a JSON object");
  }

  private static void bind(
      PreparedStatement insert, List<Column> columns, JsonNode row, String table, long number)
      throws SQLException {
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      JsonNode field = row.get(column.name());
      if (field == null) {
        throw new InvalidInputException(
            "row " + number + " of table " + table + " lacks column " + column.name());
      }
      Object value;
      try {
        value = column.type().decode(field);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "row " + number + " of table " + table + ", column " + column.name() + ": "
                + e.getMessage());
      }
      if (value == null) {
        insert.setNull(i + 1, Types.NULL);
      } else {
        insert.setObject(i + 1, value);
      }
    }
  }
}
