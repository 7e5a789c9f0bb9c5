package dev.serval.registry.backup.internal;

import java.util.List;
import java.util.Set;

/**
 * A table of the registry's schema as JDBC metadata describes it.
 *
 * @param primaryKey key columns in key order; rows are backed up in this order
 * @param parents tables this one references by foreign key, other than itself
 * @param identityColumns columns whose values the database generates
 */
public record Table(
    String name,
    List<Column> columns,
    List<String> primaryKey,
    Set<String> parents,
    List<String> identityColumns) {

  public Table {
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    parents = Set.copyOf(parents);
    identityColumns = List.copyOf(identityColumns);
  }

  public boolean hasColumn(String column) {
    return columns.stream().anyMatch(c -> c.name().equals(column));
  }
}
