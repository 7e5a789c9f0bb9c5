package dev.serval.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.registry.DeploymentRecord;
import dev.serval.registry.DeploymentSpec;
import dev.serval.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The deployment history's SQL. Every method runs inside the caller's transaction; writers hold
 * the model's row lock, which keeps revision numbers gapless and ordered.
 */
public final class DeploymentTables {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String COLUMNS = "revision, spec_json, note, created_at";

  private DeploymentTables() {}

  /** The newest revision, or null when the model was never deployed. */
  public static DeploymentRecord newest(Connection c, long modelId, String model)
      throws SQLException {
    return Sql.single(c,
        "SELECT " + COLUMNS + " FROM deployments WHERE model_id = ?"
            + " ORDER BY revision DESC LIMIT 1",
        rs -> row(rs, model), modelId).orElse(null);
  }

  /** The newest revision older than {@code revision}, or null. */
  public static DeploymentRecord before(Connection c, long modelId, String model, int revision)
      throws SQLException {
    return Sql.single(c,
        "SELECT " + COLUMNS + " FROM deployments WHERE model_id = ? AND revision < ?"
            + " ORDER BY revision DESC LIMIT 1",
        rs -> row(rs, model), modelId, revision).orElse(null);
  }

  /** Newest first. */
  public static List<DeploymentRecord> history(Connection c, long modelId, String model, int limit)
      throws SQLException {
    return Sql.query(c,
        "SELECT " + COLUMNS + " FROM deployments WHERE model_id = ?"
            + " ORDER BY revision DESC LIMIT ?",
        rs -> row(rs, model), modelId, limit);
  }

  /**
   * Adds the next revision. Caller locks the model.
   *
   * @param specOrNull null to record that the deployment was cleared
   */
  public static DeploymentRecord append(Connection c, long modelId, String model,
      DeploymentSpec specOrNull, String note, Instant now) throws SQLException {
    int revision = Sql.single(c,
        "SELECT COALESCE(MAX(revision), 0) + 1 FROM deployments WHERE model_id = ?",
        rs -> rs.getInt(1), modelId).orElseThrow();
    Sql.update(c,
        "INSERT INTO deployments (model_id, revision, spec_json, note, created_at)"
            + " VALUES (?, ?, ?, ?, ?)",
        modelId, revision, specOrNull == null ? null : toJson(specOrNull), note, now);
    return new DeploymentRecord(model, revision, specOrNull, now, note);
  }

  private static DeploymentRecord row(ResultSet rs, String model) throws SQLException {
    String json = rs.getString("spec_json");
    return new DeploymentRecord(model, rs.getInt("revision"), json == null ? null : fromJson(json),
        Sql.instant(rs, "created_at"), rs.getString("note"));
  }

  private static String toJson(DeploymentSpec spec) {
    try {
      return JSON.writeValueAsString(new SpecJson(spec.weights(), spec.shadow()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a deployment spec of numbers always serialises", e);
    }
  }

  private static DeploymentSpec fromJson(String json) {
    try {
      SpecJson stored = JSON.readValue(json, SpecJson.class);
      return new DeploymentSpec(stored.weights(), stored.shadow());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored deployment spec is not valid JSON: " + json, e);
    }
  }

  private record SpecJson(Map<Integer, Integer> weights, Integer shadow) {}
}
