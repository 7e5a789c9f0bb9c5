package dev.serval.security.internal;

import dev.serval.security.ApiKey;
import dev.serval.security.RateLimit;
import dev.serval.security.Role;
import dev.serval.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** SQL of the {@code security_keys} table. */
public final class KeyRows {
  private static final String COLUMNS = "id, name, key_role, models, rate_per_second, rate_burst,"
      + " secret_sha256, created_at, created_by, revoked_at";

  private KeyRows() {}

  public static void insert(Connection c, ApiKey key, byte[] secretHash) throws SQLException {
    Sql.update(c, "INSERT INTO security_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?)",
        key.id(), key.name(), key.role(), String.join(",", key.models()),
        key.rateLimit().map(RateLimit::perSecond).orElse(null),
        key.rateLimit().map(RateLimit::burst).orElse(null),
        HexFormat.of().formatHex(secretHash), key.createdAt(), key.createdBy(), key.revokedAt());
  }

  public static Optional<StoredKey> find(Connection c, String id) throws SQLException {
    return Sql.single(c, "SELECT " + COLUMNS + " FROM security_keys WHERE id = ?", KeyRows::read,
        id);
  }

  /** Oldest first. */
  public static List<StoredKey> all(Connection c) throws SQLException {
    return Sql.query(c, "SELECT " + COLUMNS + " FROM security_keys ORDER BY created_at, id",
        KeyRows::read);
  }

  public static boolean any(Connection c) throws SQLException {
    return Sql.single(c, "SELECT 1 FROM security_keys LIMIT 1", rs -> true).isPresent();
  }

  /** Marks the key revoked unless it already is; @return the key, empty when there is none. */
  public static Optional<StoredKey> revoke(Connection c, String id, Instant at)
      throws SQLException {
    Sql.update(c, "UPDATE security_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        at, id);
    return find(c, id);
  }

  private static StoredKey read(ResultSet rs) throws SQLException {
    double perSecond = rs.getDouble("rate_per_second");
    Optional<RateLimit> rate = rs.wasNull() ? Optional.empty()
        : Optional.of(new RateLimit(perSecond, rs.getInt("rate_burst")));
    String models = rs.getString("models");
    ApiKey key = new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        Role.valueOf(rs.getString("key_role")),
        models.isEmpty() ? List.of() : Arrays.asList(models.split(",")),
        rate,
        Sql.instant(rs, "created_at"),
        rs.getString("created_by"),
        Sql.instant(rs, "revoked_at"));
    return new StoredKey(key, HexFormat.of().parseHex(rs.getString("secret_sha256")));
  }
}
