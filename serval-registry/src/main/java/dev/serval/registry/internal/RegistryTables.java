package dev.serval.registry.internal;

import dev.serval.core.ModelNotFoundException;
import dev.serval.registry.Lineage;
import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRecord;
import dev.serval.registry.Page;
import dev.serval.registry.PageRequest;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.VersionState;
import dev.serval.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The registry's SQL, one method per statement or small group of statements. Every method runs
 * inside the caller's transaction; the caller holds the locks that make multi-step changes safe.
 */
public final class RegistryTables {
  private static final String VERSION_COLUMNS =
      "version_number, state, reason, sha256, size_bytes, signature_json, test_cases_sha256,"
          + " description, parent_model, parent_version, job_id, transform, settings_json,"
          + " created_at, updated_at";

  /** A version number handed out to a push, with the model's row id. */
  public record Allocation(long modelId, int version) {}

  private RegistryTables() {}

  /** @return the new model's id, or -1 when the name is taken */
  public static long insertModel(Connection c, String name, String description, Instant now)
      throws SQLException {
    try {
      Sql.update(
          c,
          "INSERT INTO models (name, description, next_version, created_at) VALUES (?, ?, 1, ?)",
          name,
          description,
          now);
    } catch (SQLException e) {
      if (Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return -1;
      }
      throw e;
    }
    return modelId(c, name, false);
  }

  /**
   * @param lock whether to lock the model row until commit, serialising changes to its aliases,
   *     tags and version set
   * @throws ModelNotFoundException when there is no such model
   */
  public static long modelId(Connection c, String name, boolean lock) throws SQLException {
    return Sql.single(
            c,
            "SELECT id FROM models WHERE name = ?" + (lock ? " FOR UPDATE" : ""),
            rs -> rs.getLong(1),
            name)
        .orElseThrow(() -> new ModelNotFoundException("model '" + name + "' does not exist"));
  }

  /**
   * Takes the next version number. The increment locks the model row until commit, so concurrent
   * pushes to one model get consecutive numbers without retries.
   */
  public static Allocation allocateVersion(Connection c, String model) throws SQLException {
    if (Sql.update(c, "UPDATE models SET next_version = next_version + 1 WHERE name = ?", model)
        == 0) {
      throw new ModelNotFoundException("model '" + model + "' does not exist");
    }
    return Sql.single(
            c,
            "SELECT id, next_version - 1 FROM models WHERE name = ?",
            rs -> new Allocation(rs.getLong(1), rs.getInt(2)),
            model)
        .orElseThrow();
  }

  public static void describeModel(Connection c, long modelId, String description)
      throws SQLException {
    Sql.update(c, "UPDATE models SET description = ? WHERE id = ?", description, modelId);
  }

  public static void describeVersion(
      Connection c, long modelId, int version, String description, Instant now)
      throws SQLException {
    Sql.update(c, "UPDATE model_versions SET description = ?, updated_at = ?"
        + " WHERE model_id = ? AND version_number = ?", description, now, modelId, version);
  }

  public static ModelRecord model(Connection c, long id) throws SQLException {
    List<ModelRecord> models =
        models(c, "SELECT id, name, description, created_at FROM models WHERE id = ?", id);
    return models.get(0);
  }

  public static Page<ModelRecord> listModels(Connection c, ModelFilter filter, PageRequest page)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT id, name, description, created_at FROM models m WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (page.after() != null) {
      sql.append(" AND name > ?");
      params.add(page.after());
    }
    if (filter.namePrefix() != null && !filter.namePrefix().isEmpty()) {
      // '_' is legal in names but a LIKE wildcard; '!' cannot occur in a name.
      sql.append(" AND name LIKE ? ESCAPE '!'");
      params.add(filter.namePrefix().replace("_", "!_") + "%");
    }
    if (filter.tagKey() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM model_tags t WHERE t.model_id = m.id AND t.tag_key = ?");
      params.add(filter.tagKey());
      if (filter.tagValue() != null) {
        sql.append(" AND t.tag_value = ?");
        params.add(filter.tagValue());
      }
      sql.append(")");
    }
    sql.append(" ORDER BY name LIMIT ?");
    params.add(page.limit() + 1);
    List<ModelRecord> models = models(c, sql.toString(), params.toArray());
    return page(models, page.limit(), ModelRecord::name);
  }

  private static List<ModelRecord> models(Connection c, String sql, Object... params)
      throws SQLException {
    record Row(long id, String name, String description, Instant created) {}
    List<Row> rows =
        Sql.query(
            c,
            sql,
            rs ->
                new Row(
                    rs.getLong("id"),
                    rs.getString("name"),
                    rs.getString("description"),
                    Sql.instant(rs, "created_at")),
            params);
    if (rows.isEmpty()) {
      return List.of();
    }
    List<Long> ids = rows.stream().map(Row::id).toList();
    String in = " IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
    Map<Long, SortedMap<String, String>> tags =
        Sql.grouped(
            c,
            "SELECT model_id, tag_key, tag_value FROM model_tags WHERE model_id" + in,
            rs -> rs.getLong(1),
            rs -> rs.getString(3),
            ids.toArray());
    Map<Long, SortedMap<String, Integer>> aliases =
        Sql.grouped(
            c,
            "SELECT model_id, alias, version_number FROM aliases WHERE model_id" + in,
            rs -> rs.getLong(1),
            rs -> rs.getInt(3),
            ids.toArray());
    return rows.stream()
        .map(
            r ->
                new ModelRecord(
                    r.name(),
                    r.description(),
                    frozen(tags.get(r.id())),
                    frozen(aliases.get(r.id())),
                    r.created()))
        .toList();
  }

  /** Locks the artifact's row (creating it if new) so that publish and delete cannot interleave. */
  public static void lockArtifact(Connection c, String sha256, long size, Instant now)
      throws SQLException {
    Sql.update(
        c,
        "INSERT INTO artifacts (sha256, size_bytes, created_at) VALUES (?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        sha256,
        size,
        now);
    Sql.query(c, "SELECT sha256 FROM artifacts WHERE sha256 = ? FOR UPDATE", rs -> null, sha256);
  }

  /**
   * Drops the artifact's row when no version references it any more.
   *
   * @return whether the caller must now delete the file
   */
  public static boolean releaseArtifact(Connection c, String sha256) throws SQLException {
    Sql.query(c, "SELECT sha256 FROM artifacts WHERE sha256 = ? FOR UPDATE", rs -> null, sha256);
    long references =
        Sql.single(
                c,
                "SELECT COUNT(*) FROM model_versions WHERE sha256 = ? OR test_cases_sha256 = ?",
                rs -> rs.getLong(1),
                sha256,
                sha256)
            .orElseThrow();
    return references == 0 && Sql.update(c, "DELETE FROM artifacts WHERE sha256 = ?", sha256) == 1;
  }

  public static void insertVersion(
      Connection c,
      Allocation at,
      String sha256,
      long size,
      String testCasesSha256,
      VersionMetadata metadata,
      Instant now)
      throws SQLException {
    Lineage lineage = metadata.lineage();
    Sql.update(
        c,
        "INSERT INTO model_versions (model_id, "
            + VERSION_COLUMNS
            + ") VALUES (?, ?, ?, '', ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        at.modelId(),
        at.version(),
        VersionState.PENDING,
        sha256,
        size,
        testCasesSha256,
        metadata.description(),
        lineage.parentModel(),
        lineage.parentVersion(),
        lineage.jobId(),
        lineage.transform(),
        lineage.settingsJson(),
        now,
        now);
    for (Map.Entry<String, String> tag : metadata.tags().entrySet()) {
      putTag(c, at.modelId(), at.version(), tag.getKey(), tag.getValue());
    }
  }

  /** @return the version, or null when the model has no such version */
  public static VersionRecord version(Connection c, long modelId, String model, int version)
      throws SQLException {
    List<VersionRecord> found = versions(c, modelId, model, "=", version, 1);
    return found.isEmpty() ? null : found.get(0);
  }

  public static Page<VersionRecord> listVersions(
      Connection c, long modelId, String model, PageRequest page) throws SQLException {
    int after = page.after() == null ? 0 : parseCursor(page.after());
    return page(versions(c, modelId, model, ">", after, page.limit() + 1), page.limit(),
        v -> Integer.toString(v.version()));
  }

  private static int parseCursor(String cursor) {
    try {
      return Integer.parseInt(cursor);
    } catch (NumberFormatException e) {
      throw new dev.serval.core.InvalidInputException(
          "page cursor must be a version number: " + Names.show(cursor));
    }
  }

  /** Versions numbered above {@code after}, ascending, at most {@code limit}. */
  /**
   * Versions whose number compares to {@code number} by {@code comparison} ("=" or ">"). Ordered
   * by the whole primary key, so that the database walks the key's index and stops at the limit
   * instead of sorting every later version (measured: 1,502 rows read for one of 10,000).
   */
  private static List<VersionRecord> versions(Connection c, long modelId, String model,
      String comparison, int number, int limit) throws SQLException {
    List<VersionRecord> rows =
        Sql.query(
            c,
            "SELECT " + VERSION_COLUMNS + " FROM model_versions WHERE model_id = ? AND"
                + " version_number " + comparison + " ? ORDER BY model_id, version_number LIMIT ?",
            rs -> versionRow(rs, model),
            modelId,
            number,
            limit);
    if (rows.isEmpty()) {
      return rows;
    }
    Map<Integer, SortedMap<String, String>> tags =
        Sql.grouped(
            c,
            "SELECT version_number, tag_key, tag_value FROM version_tags"
                + " WHERE model_id = ? AND version_number BETWEEN ? AND ?",
            rs -> rs.getInt(1),
            rs -> rs.getString(3),
            modelId,
            rows.get(0).version(),
            rows.get(rows.size() - 1).version());
    return rows.stream().map(v -> withTags(v, frozen(tags.get(v.version())))).toList();
  }

  private static VersionRecord versionRow(ResultSet rs, String model) throws SQLException {
    return new VersionRecord(
        model,
        rs.getInt("version_number"),
        VersionState.valueOf(rs.getString("state")),
        rs.getString("reason"),
        rs.getString("sha256"),
        rs.getLong("size_bytes"),
        rs.getString("signature_json"),
        rs.getString("test_cases_sha256"),
        rs.getString("description"),
        Collections.emptySortedMap(),
        new Lineage(
            rs.getString("parent_model"),
            Sql.integer(rs, "parent_version"),
            rs.getString("job_id"),
            rs.getString("transform"),
            rs.getString("settings_json")),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"));
  }

  private static VersionRecord withTags(VersionRecord v, SortedMap<String, String> tags) {
    return new VersionRecord(
        v.model(), v.version(), v.state(), v.reason(), v.sha256(), v.sizeBytes(),
        v.signatureJson(), v.testCasesSha256(), v.description(), tags, v.lineage(), v.created(), v.updated());
  }

  /** Compare-and-set of the state, so two validators cannot both move one version. */
  public static boolean moveState(
      Connection c,
      long modelId,
      int version,
      VersionState from,
      VersionState to,
      String reason,
      Instant now)
      throws SQLException {
    return Sql.update(
            c,
            "UPDATE model_versions SET state = ?, reason = ?, updated_at = ?"
                + " WHERE model_id = ? AND version_number = ? AND state = ?",
            to,
            reason,
            now,
            modelId,
            version,
            from)
        == 1;
  }

  public static boolean setSignature(
      Connection c, long modelId, int version, String signatureJson, Instant now)
      throws SQLException {
    return Sql.update(
            c,
            "UPDATE model_versions SET signature_json = ?, updated_at = ?"
                + " WHERE model_id = ? AND version_number = ?",
            signatureJson,
            now,
            modelId,
            version)
        == 1;
  }

  /** Sets a tag on the model ({@code version} null) or on one version. Caller locks the model. */
  public static void putTag(Connection c, long modelId, Integer version, String key, String value)
      throws SQLException {
    if (version == null) {
      upsert(
          c,
          "UPDATE model_tags SET tag_value = ? WHERE model_id = ? AND tag_key = ?",
          "INSERT INTO model_tags (tag_value, model_id, tag_key) VALUES (?, ?, ?)",
          value,
          modelId,
          key);
    } else {
      upsert(
          c,
          "UPDATE version_tags SET tag_value = ?"
              + " WHERE model_id = ? AND tag_key = ? AND version_number = ?",
          "INSERT INTO version_tags (tag_value, model_id, tag_key, version_number)"
              + " VALUES (?, ?, ?, ?)",
          value,
          modelId,
          key,
          version);
    }
  }

  public static boolean removeTag(Connection c, long modelId, Integer version, String key)
      throws SQLException {
    return version == null
        ? Sql.update(c, "DELETE FROM model_tags WHERE model_id = ? AND tag_key = ?", modelId, key)
            == 1
        : Sql.update(
                c,
                "DELETE FROM version_tags WHERE model_id = ? AND version_number = ? AND tag_key = ?",
                modelId,
                version,
                key)
            == 1;
  }

  /** Points the alias at the version. Caller locks the model. */
  public static void putAlias(Connection c, long modelId, String alias, int version, Instant now)
      throws SQLException {
    upsert(
        c,
        "UPDATE aliases SET version_number = ?, updated_at = ? WHERE model_id = ? AND alias = ?",
        "INSERT INTO aliases (version_number, updated_at, model_id, alias) VALUES (?, ?, ?, ?)",
        version,
        now,
        modelId,
        alias);
  }

  public static boolean removeAlias(Connection c, long modelId, String alias) throws SQLException {
    return Sql.update(c, "DELETE FROM aliases WHERE model_id = ? AND alias = ?", modelId, alias)
        == 1;
  }

  /** @return the version the alias points to, or null */
  public static Integer aliasTarget(Connection c, long modelId, String alias) throws SQLException {
    return Sql.single(
            c,
            "SELECT version_number FROM aliases WHERE model_id = ? AND alias = ?",
            rs -> rs.getInt(1),
            modelId,
            alias)
        .orElse(null);
  }

  public static List<String> aliasesOf(Connection c, long modelId, int version)
      throws SQLException {
    return Sql.query(
        c,
        "SELECT alias FROM aliases WHERE model_id = ? AND version_number = ? ORDER BY alias",
        rs -> rs.getString(1),
        modelId,
        version);
  }

  public static List<Integer> versionNumbers(Connection c, long modelId) throws SQLException {
    return Sql.query(
        c,
        "SELECT version_number FROM model_versions WHERE model_id = ? ORDER BY version_number",
        rs -> rs.getInt(1),
        modelId);
  }

  /** @return the digests the model's versions referenced */
  public static List<String> deleteModel(Connection c, long modelId) throws SQLException {
    List<String> digests =
        Sql.query(
            c,
            "SELECT sha256 FROM model_versions WHERE model_id = ?"
                + " UNION SELECT test_cases_sha256 FROM model_versions"
                + " WHERE model_id = ? AND test_cases_sha256 IS NOT NULL",
            rs -> rs.getString(1),
            modelId,
            modelId);
    // Aliases first: they reference versions, which the model's delete cascades to.
    Sql.update(c, "DELETE FROM aliases WHERE model_id = ?", modelId);
    Sql.update(c, "DELETE FROM models WHERE id = ?", modelId);
    return digests;
  }

  /** A version whose validation has not finished, by model row id and name. */
  public record Unfinished(long modelId, String model, int version) {}

  /** Versions still PENDING or VALIDATING, oldest first. */
  public static List<Unfinished> unfinishedVersions(Connection c) throws SQLException {
    return Sql.query(
        c,
        "SELECT m.id, m.name, v.version_number FROM model_versions v JOIN models m"
            + " ON m.id = v.model_id WHERE v.state IN (?, ?) ORDER BY v.created_at, m.id,"
            + " v.version_number",
        rs -> new Unfinished(rs.getLong(1), rs.getString(2), rs.getInt(3)),
        VersionState.PENDING,
        VersionState.VALIDATING);
  }

  public static boolean artifactExists(Connection c, String sha256) throws SQLException {
    return !Sql.query(c, "SELECT 1 FROM artifacts WHERE sha256 = ?", rs -> 1, sha256).isEmpty();
  }

  public static void deleteVersion(Connection c, long modelId, int version) throws SQLException {
    Sql.update(
        c, "DELETE FROM model_versions WHERE model_id = ? AND version_number = ?", modelId, version);
  }

  /**
   * Update-then-insert: portable across H2 and PostgreSQL, and race-free because callers hold the
   * model's row lock. Both statements take the same parameters in the same order.
   */
  private static void upsert(Connection c, String update, String insert, Object... params)
      throws SQLException {
    if (Sql.update(c, update, params) == 0) {
      Sql.update(c, insert, params);
    }
  }

  private static <T> Page<T> page(
      List<T> fetched, int limit, java.util.function.Function<T, String> cursor) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, null);
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(items, cursor.apply(items.get(limit - 1)));
  }

  private static <V> SortedMap<String, V> frozen(SortedMap<String, V> map) {
    return map == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(map);
  }
}
