package dev.serval.server.studies.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.server.studies.PrunerSpec;
import dev.serval.server.studies.SamplerKind;
import dev.serval.server.studies.StudySpec;
import dev.serval.store.Sql;
import dev.serval.tune.Direction;
import dev.serval.tune.SearchSpace;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The server_studies table: the spec of each study the server holds. */
public final class StudyCatalog {
  public static final String MIGRATIONS = "classpath:db/studies-migration";
  public static final String HISTORY_TABLE = "flyway_studies_history";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "id, name, space_json, direction, sampler, pruner_json, seed, created_at";

  /** A stored study; {@code id} changes when a study is deleted and created again. */
  public record Row(long id, StudySpec spec, Instant created) {}

  private StudyCatalog() {}

  /** Inserts the study unless one of that name exists; true if this call inserted it. */
  public static boolean insert(Connection c, StudySpec spec, Instant now) throws SQLException {
    return Sql.update(c, "INSERT INTO server_studies (name, space_json, direction, sampler,"
        + " pruner_json, seed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        spec.name(), spec.space().toJson(), spec.direction(), spec.sampler(),
        write(spec.pruner()), spec.seed(), now) == 1;
  }

  public static Optional<Row> find(Connection c, String name) throws SQLException {
    return Sql.single(c, "SELECT " + COLUMNS + " FROM server_studies WHERE name = ?",
        StudyCatalog::row, name);
  }

  /** Up to {@code limit} studies by name, after {@code after} (null: from the first). */
  public static List<Row> page(Connection c, String after, int limit) throws SQLException {
    return Sql.query(c, "SELECT " + COLUMNS + " FROM server_studies WHERE name > ?"
        + " ORDER BY name LIMIT ?", StudyCatalog::row, after == null ? "" : after, limit);
  }

  public static boolean delete(Connection c, String name) throws SQLException {
    return Sql.update(c, "DELETE FROM server_studies WHERE name = ?", name) == 1;
  }

  private static Row row(ResultSet rs) throws SQLException {
    StudySpec spec = new StudySpec(rs.getString("name"),
        SearchSpace.fromJson(rs.getString("space_json")),
        Direction.valueOf(rs.getString("direction")), SamplerKind.valueOf(rs.getString("sampler")),
        read(rs.getString("pruner_json")), rs.getLong("seed"));
    return new Row(rs.getLong("id"), spec, Sql.instant(rs, "created_at"));
  }

  private static String write(PrunerSpec pruner) {
    try {
      return JSON.writeValueAsString(pruner);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("pruner specs always serialise", e);
    }
  }

  private static PrunerSpec read(String json) {
    try {
      return JSON.readValue(json, PrunerSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored pruner JSON is unreadable: " + json, e);
    }
  }
}
