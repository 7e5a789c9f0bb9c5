package dev.serval.server.security;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.serval.security.ApiKey;
import dev.serval.security.AuditEntry;
import dev.serval.security.AuditEvent;
import dev.serval.security.AuditPage;
import dev.serval.security.CreatedKey;
import dev.serval.security.RateLimit;
import java.time.Instant;
import java.util.List;

/**
 * The JSON of the keys and audit routes, snake_case like the rest of the management API; the
 * command line prints keys it manages without a server in the same shape.
 */
public final class SecurityJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .build();

  private SecurityJson() {}

  /** The body of {@code POST /api/v1/keys}; {@code models} and {@code rate_limit} optional. */
  public record CreateKeyRequest(String name, String role, List<String> models, String rateLimit) {}

  public static byte[] created(CreatedKey created) {
    return write(new CreatedJson(KeyJson.of(created.key()), created.token()));
  }

  public static byte[] key(ApiKey key) {
    return write(KeyJson.of(key));
  }

  public static byte[] keys(List<ApiKey> keys) {
    return write(new KeyList(keys.stream().map(KeyJson::of).toList()));
  }

  public static byte[] audit(AuditPage page) {
    return write(new AuditList(page.entries().stream().map(EntryJson::of).toList(),
        page.next() == null ? null : page.next().toString()));
  }

  private static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("security records always serialise", e);
    }
  }

  private static String instant(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  record KeyJson(String id, String name, String role, List<String> models, String rateLimit,
      String created, String createdBy, String revoked) {
    static KeyJson of(ApiKey k) {
      return new KeyJson(k.id(), k.name(), k.role().label(), k.models(),
          k.rateLimit().map(RateLimit::toString).orElse(null), instant(k.createdAt()),
          k.createdBy(), instant(k.revokedAt()));
    }
  }

  /** A new key: its fields, and the token shown this once. */
  record CreatedJson(
      @JsonUnwrapped KeyJson key, String token) {}

  record KeyList(List<KeyJson> keys) {}

  record EntryJson(long id, String time, String actorId, String actorName, String remoteAddress,
      String action, String model, Integer version, String detail, int outcome) {
    static EntryJson of(AuditEntry entry) {
      AuditEvent e = entry.event();
      return new EntryJson(entry.id(), instant(entry.time()), e.actor().id(), e.actor().name(),
          e.remoteAddress(), e.action(), e.model(), e.version(), e.detail(), e.outcome());
    }
  }

  record AuditList(List<EntryJson> entries, String next) {}
}
