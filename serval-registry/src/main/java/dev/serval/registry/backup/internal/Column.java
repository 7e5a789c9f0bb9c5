package dev.serval.registry.backup.internal;

import java.util.Objects;

/** A column of a backed-up table, as the manifest lists it. */
public record Column(String name, ColumnType type) {
  public Column {
    Objects.requireNonNull(name, "a column lacks its name");
    Objects.requireNonNull(type, "column " + name + " lacks its type");
  }
}
