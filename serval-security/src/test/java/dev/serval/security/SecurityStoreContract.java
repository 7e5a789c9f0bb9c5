package dev.serval.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.UnauthenticatedException;
import dev.serval.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** API keys and the audit log on a real database; run against H2 and PostgreSQL. */
abstract class SecurityStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private static final Actor ALICE = Actor.local("alice");

  final AtomicLong nanos = new AtomicLong();
  private Database db;

  abstract Database open();

  Database db() {
    if (db == null) {
      db = open();
    }
    return db;
  }

  @AfterEach
  void closeDatabase() {
    if (db != null) {
      db.close();
    }
  }

  ApiKeys keys(Duration ttl) {
    return ApiKeys.builder().database(db()).clock(Clock.fixed(T0, ZoneOffset.UTC))
        .nanoTime(nanos::get).cacheTtl(ttl).build();
  }

  @Test
  void createsAKeyThatAuthenticatesWithItsTokenOnly() {
    ApiKeys keys = keys(Duration.ofSeconds(5));
    CreatedKey created = keys.create(new NewKey("ci", Role.DEPLOYER, List.of("mlp", "cnn"),
        Optional.of(new RateLimit(5, 10)), ALICE));

    ApiKey key = keys.authenticate(created.token());

    assertThat(key).isEqualTo(created.key());
    assertThat(key.models()).containsExactly("mlp", "cnn");
    assertThat(key.rateLimit()).contains(new RateLimit(5, 10));
    assertThat(key.createdAt()).isEqualTo(T0);
    assertThat(key.createdBy()).isEqualTo("local alice");
    String wrongSecret = created.token().substring(0, created.token().length() - 4) + "AAAA";
    assertThatThrownBy(() -> keys.authenticate(wrongSecret))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("not valid");
  }

  @Test
  void storesOnlyAHashOfTheSecret() {
    CreatedKey created = keys(Duration.ZERO).create(
        new NewKey("ops", Role.ADMIN, List.of(), Optional.empty(), ALICE));
    // The id is hex; the secret, base64url, may itself contain '_'.
    String secret = created.token().substring(created.token().indexOf('_', "sv_".length()) + 1);

    List<String> stored = db().transaction(c -> dev.serval.store.Sql.query(c,
        "SELECT * FROM security_keys", rs -> {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.append(rs.getString(i)).append('|');
          }
          return row.toString();
        }));

    assertThat(stored).hasSize(1);
    assertThat(stored.get(0)).doesNotContain(secret).contains(created.key().id());
  }

  @Test
  void refusesAnUnknownKey() {
    ApiKeys keys = keys(Duration.ofSeconds(5));

    assertThatThrownBy(() -> keys.authenticate("sv_0123456789abcdef_" + "A".repeat(43)))
        .isInstanceOf(UnauthenticatedException.class);
  }

  @Test
  void aRevokedKeyIsRefusedAtOnceOnTheSameInstance() {
    ApiKeys keys = keys(Duration.ofHours(1));
    CreatedKey created = keys.create(
        new NewKey("app", Role.INFERENCE, List.of(), Optional.empty(), ALICE));
    keys.authenticate(created.token());

    ApiKey revoked = keys.revoke(created.key().id());

    assertThat(revoked.revokedAt()).isEqualTo(T0);
    assertThatThrownBy(() -> keys.authenticate(created.token()))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("was revoked");
  }

  @Test
  void aKeyRevokedByAnotherNodeIsRefusedOnceTheCacheExpires() {
    ApiKeys here = keys(Duration.ofSeconds(5));
    ApiKeys there = keys(Duration.ofSeconds(5));
    CreatedKey created = here.create(
        new NewKey("app", Role.INFERENCE, List.of(), Optional.empty(), ALICE));
    here.authenticate(created.token());

    there.revoke(created.key().id());
    here.authenticate(created.token()); // still cached
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());

    assertThatThrownBy(() -> here.authenticate(created.token()))
        .isInstanceOf(UnauthenticatedException.class);
  }

  @Test
  void listsKeysOldestFirstAndRevokingTwiceKeepsTheFirstTime() {
    ApiKeys keys = keys(Duration.ZERO);
    assertThat(keys.isEmpty()).isTrue();
    String a = keys.create(new NewKey("a", Role.ADMIN, List.of(), Optional.empty(), ALICE))
        .key().id();
    keys.create(new NewKey("b", Role.INFERENCE, List.of("m"), Optional.empty(), ALICE));
    keys.revoke(a);

    ApiKey again = ApiKeys.builder().database(db())
        .clock(Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC)).build().revoke(a);

    assertThat(keys.isEmpty()).isFalse();
    assertThat(again.revokedAt()).isEqualTo(T0);
    assertThat(keys.list()).extracting(ApiKey::name).containsExactlyInAnyOrder("a", "b");
    assertThatThrownBy(() -> keys.revoke("ffffffffffffffff"))
        .isInstanceOf(KeyNotFoundException.class);
  }

  @Test
  void recordsAndFiltersAuditEntriesNewestFirst() {
    AuditLog log = AuditLog.on(db(), Clock.fixed(T0, ZoneOffset.UTC));
    AuditLog later = AuditLog.on(db(), Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC));
    Actor ci = new Actor("0123456789abcdef", "ci");
    log.record(new AuditEvent(ci, "10.0.0.1", "models.push", "mlp", 1, null, 201));
    log.record(new AuditEvent(ALICE, "local", "keys.create", null, null, "key=k1", 201));
    later.record(new AuditEvent(ci, "10.0.0.1", "aliases.set", "mlp", null, "alias=prod", 200));
    later.record(new AuditEvent(Actor.UNAUTHENTICATED, "10.0.0.9", "models.delete", "cnn", null,
        null, 401));

    AuditPage all = log.query(AuditQuery.latest());
    assertThat(all.entries()).extracting(e -> e.event().action())
        .containsExactly("models.delete", "aliases.set", "keys.create", "models.push");
    assertThat(all.entries().get(3).time()).isEqualTo(T0);
    assertThat(all.entries().get(3).event())
        .isEqualTo(new AuditEvent(ci, "10.0.0.1", "models.push", "mlp", 1, null, 201));
    assertThat(all.next()).isNull();

    assertThat(log.query(new AuditQuery("ci", null, null, null, null, 10)).entries())
        .hasSize(2);
    assertThat(log.query(new AuditQuery("0123456789abcdef", null, "mlp", null, null, 10))
        .entries()).hasSize(2);
    assertThat(log.query(new AuditQuery(null, "keys.create", null, null, null, 10)).entries())
        .extracting(e -> e.event().detail()).containsExactly("key=k1");
    assertThat(log.query(new AuditQuery(null, null, null, T0.plusSeconds(10), null, 10))
        .entries()).hasSize(2);
  }

  @Test
  void pagesThroughTheAuditLog() {
    AuditLog log = AuditLog.on(db(), Clock.fixed(T0, ZoneOffset.UTC));
    for (int i = 1; i <= 5; i++) {
      log.record(new AuditEvent(ALICE, "local", "models.push", "m", i, null, 201));
    }

    AuditPage first = log.query(new AuditQuery(null, null, null, null, null, 2));
    AuditPage second = log.query(new AuditQuery(null, null, null, null, first.next(), 2));
    AuditPage last = log.query(new AuditQuery(null, null, null, null, second.next(), 2));

    assertThat(first.entries()).extracting(e -> e.event().version()).containsExactly(5, 4);
    assertThat(second.entries()).extracting(e -> e.event().version()).containsExactly(3, 2);
    assertThat(last.entries()).extracting(e -> e.event().version()).containsExactly(1);
    assertThat(last.next()).isNull();
  }
}
