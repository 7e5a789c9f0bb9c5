package dev.serval.server.management.internal;

import dev.serval.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** The compression report of each version made by compressing another, in the registry's DB. */
public final class CompressionReportTable {
  private final Database db;

  public CompressionReportTable(Database db) {
    this.db = db;
    migrate(db);
  }

  /** Creates or updates the table; cheap when it is up to date. */
  public static void migrate(Database db) {
    db.migrate("classpath:db/compress-migration", "flyway_compress_history");
  }

  public void put(String model, int version, String reportJson) {
    db.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO compression_reports"
          + " (model_id, version_number, report_json)"
          + " SELECT id, ?, ? FROM models WHERE name = ?")) {
        insert.setInt(1, version);
        insert.setString(2, reportJson);
        insert.setString(3, model);
        return insert.executeUpdate();
      }
    });
  }

  public Optional<String> get(String model, int version) {
    return db.transaction(c -> {
      try (PreparedStatement select = c.prepareStatement("SELECT r.report_json"
          + " FROM compression_reports r JOIN models m ON m.id = r.model_id"
          + " WHERE m.name = ? AND r.version_number = ?")) {
        select.setString(1, model);
        select.setInt(2, version);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
      }
    });
  }
}
