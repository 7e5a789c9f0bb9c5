package dev.serval.tune.storage.internal;

import dev.serval.store.Sql;
import dev.serval.tune.Direction;
import dev.serval.tune.StudyDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** The tune_studies table: creating or joining a study, and numbering its trials. */
public final class StudyRows {
  /** A study as stored, with its row id. */
  public record StoredStudy(long id, StudyDefinition definition) {}

  private StudyRows() {}

  /**
   * Creates the study unless one of that name exists, and returns what is stored. When two
   * workers create it at once, one insert wins and both read the same row.
   */
  public static StoredStudy createOrGet(Connection c, StudyDefinition wanted, Instant now)
      throws SQLException {
    Sql.update(c, "INSERT INTO tune_studies (name, direction, directions, space_json, next_trial,"
        + " created_at) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING",
        wanted.name(), wanted.directions().get(0), String.join(",", wanted.directions().stream()
            .map(Direction::name).toList()), wanted.spaceJson(), now);
    return find(c, wanted.name()).orElseThrow();
  }

  public static Optional<StoredStudy> find(Connection c, String name) throws SQLException {
    return Sql.single(c, "SELECT id, directions, space_json FROM tune_studies WHERE name = ?",
        rs -> new StoredStudy(rs.getLong("id"), new StudyDefinition(name,
            Arrays.stream(rs.getString("directions").split(",")).map(Direction::valueOf).toList(),
            rs.getString("space_json"))),
        name);
  }

  /** Deletes the study; its trials, their values and attributes go with it (ON DELETE CASCADE). */
  public static boolean delete(Connection c, String name) throws SQLException {
    return Sql.update(c, "DELETE FROM tune_studies WHERE name = ?", name) == 1;
  }

  /**
   * The next trial number of the study. The update takes the study row's lock until the
   * transaction ends, so concurrent workers get consecutive numbers and a rolled back trial
   * gives its number back.
   */
  public static int nextTrialNumber(Connection c, long studyId) throws SQLException {
    Sql.update(c, "UPDATE tune_studies SET next_trial = next_trial + 1 WHERE id = ?", studyId);
    return Sql.single(c, "SELECT next_trial - 1 FROM tune_studies WHERE id = ?",
        rs -> rs.getInt(1), studyId).orElseThrow();
  }
}
