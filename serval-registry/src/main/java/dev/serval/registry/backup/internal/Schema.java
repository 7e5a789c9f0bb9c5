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
 * The tables of the registry's database as the connection's JDBC metadata shows them, so backups
 * need no list of tables that each migration would have to update. The database is shared: every
 * feature (registry, security, jobs, async requests, studies ...) migrates its own tables with its
 * own Flyway history table. Those history tables are not data: a restore target is migrated by
 * every feature already, so only their versions are kept.
 */
public final class Schema {
  /** The registry's own Flyway history table. */
  static final String FLYWAY_HISTORY = "flyway_schema_history";
  /** Columns every Flyway history table has, whatever a feature named it. */
  private static final Set<String> FLYWAY_COLUMNS = Set.of("installed_rank", "script", "success");

  private final String product;
  private final String schemaName;
  private final Map<String, Table> tables;
  private final Map<String, MigrationVersion> versions;

  private Schema(String product, String schemaName, Map<String, Table> tables,
      Map<String, MigrationVersion> versions) {
    this.product = product;
    this.schemaName = schemaName;
    this.tables = tables;
    this.versions = versions;
  }

  /** Reads the tables of the connection's current schema. */
  public static Schema read(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    Metadata meta = new Metadata(md, c.getCatalog(), c.getSchema());
    Map<String, Table> found = new TreeMap<>();
    Map<String, MigrationVersion> versions = new TreeMap<>();
    for (String name : meta.tableNames()) {
      Table table = meta.table(name);
      if (isFlywayHistory(table.columns())) {
        versions.put(name, flywayVersion(c, name));
      } else {
        found.put(name, table);
      }
    }
    return new Schema(
        md.getDatabaseProductName(), c.getSchema(), inForeignKeyOrder(found), versions);
  }

  /**
   * Whether a table with these columns is a Flyway history table. Backups before archive format
   * 2 hold the other features' history tables as data; restores skip them by this test.
   */
  static boolean isFlywayHistory(Collection<Column> columns) {
    return columns.stream().map(Column::name).filter(FLYWAY_COLUMNS::contains).count()
        == FLYWAY_COLUMNS.size();
  }

  /** Every table except Flyway's history tables, each after the tables it references. */
  public Collection<Table> tables() {
    return tables.values();
  }

  public Optional<Table> table(String name) {
    return Optional.ofNullable(tables.get(name));
  }

  /**
   * The newest applied Flyway version of each feature by its history table, e.g.
   * {@code flyway_jobs_history -> 1}; a history table without applied versions maps to "0".
   */
  public Map<String, String> versions() {
    Map<String, String> shown = new TreeMap<>();
    versions.forEach((table, version) -> shown.put(table, version.getVersion()));
    return shown;
  }

  /**
   * Whether the feature with this Flyway history table is missing here, or older than
   * {@code other} (a version string such as "3").
   */
  public boolean olderThan(String historyTable, String other) {
    MigrationVersion version = versions.get(historyTable);
    return version == null || version.compareTo(MigrationVersion.fromVersion(other)) < 0;
  }

  String product() {
    return product;
  }

  String schemaName() {
    return schemaName;
  }

  private static MigrationVersion flywayVersion(Connection c, String historyTable)
      throws SQLException {
    String sql = "SELECT " + Sql.quote("version") + " FROM " + Sql.quote(historyTable)
        + " WHERE " + Sql.quote("success") + " AND " + Sql.quote("version") + " IS NOT NULL";
    MigrationVersion newest = MigrationVersion.fromVersion("0");
    try (var statement = c.prepareStatement(sql);
        ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        MigrationVersion applied = MigrationVersion.fromVersion(rs.getString(1));
        newest = applied.compareTo(newest) > 0 ? applied : newest;
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
