package dev.serval.registry.backup.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The registry's tables as the connection's JDBC metadata shows them, so backups need no list of
 * tables that each migration would have to update.
 */
public final class Schema {
  /** Flyway's own table: a restore target is migrated already, so only its version is kept. */
  static final String FLYWAY_HISTORY = "flyway_schema_history";

  private final String product;
  private final String schemaName;
  private final Map<String, Table> tables;
  private final MigrationVersion version;

  private Schema(
      String product, String schemaName, Map<String, Table> tables, MigrationVersion version) {
    this.product = product;
    this.schemaName = schemaName;
    this.tables = tables;
    this.version = version;
  }

  /** Reads the tables of the connection's current schema. */
  public static Schema read(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    Metadata meta = new Metadata(md, c.getCatalog(), c.getSchema());
    Map<String, Table> found = new TreeMap<>();
    MigrationVersion version = null;
    for (String name : meta.tableNames()) {
      if (name.equals(FLYWAY_HISTORY)) {
        version = flywayVersion(c);
      } else {
        found.put(name, meta.table(name));
      }
    }
    return new Schema(
        md.getDatabaseProductName(), c.getSchema(), inForeignKeyOrder(found), version);
  }

  /** Every table except Flyway's history, each after the tables it references. */
  public Collection<Table> tables() {
    return tables.values();
  }

  public Optional<Table> table(String name) {
    return Optional.ofNullable(tables.get(name));
  }

  /** The applied Flyway version, e.g. "2"; empty for a database Flyway never migrated. */
  public Optional<String> version() {
    return Optional.ofNullable(version).map(MigrationVersion::getVersion);
  }

  /** Whether this schema is older than {@code other} (a version string such as "3"). */
  public boolean olderThan(String other) {
    return version == null || version.compareTo(MigrationVersion.fromVersion(other)) < 0;
  }

  String product() {
    return product;
  }

  String schemaName() {
    return schemaName;
  }

  private static MigrationVersion flywayVersion(Connection c) throws SQLException {
    String sql = "SELECT " + Sql.quote("version") + " FROM " + Sql.quote(FLYWAY_HISTORY)
        + " WHERE " + Sql.quote("success") + " AND " + Sql.quote("version") + " IS NOT NULL";
    MigrationVersion newest = null;
    try (var statement = c.prepareStatement(sql);
        ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        MigrationVersion applied = MigrationVersion.fromVersion(rs.getString(1));
        newest = newest == null || applied.compareTo(newest) > 0 ? applied : newest;
      }
    }
    return newest;
  }

  /**
   * Orders tables so that each comes after those it references (insert order); ties by name,
   * so the order is stable.
   */
  private static Map<String, Table> inForeignKeyOrder(Map<String, Table> byName) {
    Map<String, Table> ordered = new LinkedHashMap<>();
    while (ordered.size() < byName.size()) {
      List<Table> ready = byName.values().stream()
          .filter(t -> !ordered.containsKey(t.name()))
          .filter(t -> t.parents().stream()
              .allMatch(p -> ordered.containsKey(p) || !byName.containsKey(p)))
          .toList();
      if (ready.isEmpty()) {
        Set<String> cycle = new HashSet<>(byName.keySet());
        cycle.removeAll(ordered.keySet());
        throw new IllegalStateException(
            "tables " + cycle.stream().sorted().toList()
                + " reference each other in a cycle; they cannot be restored in order");
      }
      ready.forEach(t -> ordered.put(t.name(), t));
    }
    return ordered;
  }

  /** Metadata queries for one schema. Names are LIKE patterns there, so they are escaped. */
  private record Metadata(DatabaseMetaData md, String catalog, String schema) {
    List<String> tableNames() throws SQLException {
      List<String> names = new ArrayList<>();
      try (ResultSet rs = md.getTables(catalog, pattern(schema), "%", null)) {
        while (rs.next()) {
          // H2 says BASE TABLE, PostgreSQL TABLE; views, indexes and sequences are not data.
          String type = rs.getString("TABLE_TYPE");
          if (inSchema(rs, "TABLE_SCHEM") && ("TABLE".equals(type) || "BASE TABLE".equals(type))) {
            names.add(rs.getString("TABLE_NAME"));
          }
        }
      }
      return names;
    }

    Table table(String name) throws SQLException {
      List<Column> columns = new ArrayList<>();
      List<String> identity = new ArrayList<>();
      try (ResultSet rs = md.getColumns(catalog, pattern(schema), pattern(name), "%")) {
        while (rs.next()) {
          if (!inSchema(rs, "TABLE_SCHEM") || !name.equals(rs.getString("TABLE_NAME"))) {
            continue;
          }
          String column = rs.getString("COLUMN_NAME");
          columns.add(new Column(column, type(name, column, rs)));
          if ("YES".equals(rs.getString("IS_AUTOINCREMENT"))) {
            identity.add(column);
          }
        }
      }
      return new Table(name, columns, primaryKey(name), parents(name), identity);
    }

    private static ColumnType type(String table, String column, ResultSet rs)
        throws SQLException {
      String typeName = rs.getString("TYPE_NAME");
      return ColumnType.of(rs.getInt("DATA_TYPE"), typeName)
          .orElseThrow(() -> new IllegalStateException(
              "column " + table + "." + column + " has type " + typeName
                  + ", which backups do not support"));
    }

    private List<String> primaryKey(String table) throws SQLException {
      Map<Short, String> bySequence = new TreeMap<>();
      try (ResultSet rs = md.getPrimaryKeys(catalog, schema, table)) {
        while (rs.next()) {
          bySequence.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
        }
      }
      return List.copyOf(bySequence.values());
    }

    private Set<String> parents(String table) throws SQLException {
      Set<String> parents = new HashSet<>();
      try (ResultSet rs = md.getImportedKeys(catalog, schema, table)) {
        while (rs.next()) {
          if (inSchema(rs, "PKTABLE_SCHEM")) {
            parents.add(rs.getString("PKTABLE_NAME"));
          }
        }
      }
      parents.remove(table);
      return parents;
    }

    private boolean inSchema(ResultSet rs, String column) throws SQLException {
      return schema == null || schema.equals(rs.getString(column));
    }

    private String pattern(String name) throws SQLException {
      if (name == null) {
        return null;
      }
      String escape = md.getSearchStringEscape();
      return name.replace(escape, escape + escape)
          .replace("_", escape + "_")
          .replace("%", escape + "%");
    }
  }
}
