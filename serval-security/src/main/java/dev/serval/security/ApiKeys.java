package dev.serval.security;

import dev.serval.core.UnauthenticatedException;
import dev.serval.security.internal.KeyCache;
import dev.serval.security.internal.KeyRows;
import dev.serval.security.internal.KeyToken;
import dev.serval.security.internal.SecuritySchema;
import dev.serval.security.internal.StoredKey;
import dev.serval.store.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * API keys in the database: created with a token shown once, listed, revoked, and checked on
 * each request. Only a hash of each secret is stored. Checks read a short-lived cache: a key
 * revoked through this instance is refused at once, one revoked through another (a node sharing
 * the database) within {@link Builder#cacheTtl}.
 */
public final class ApiKeys {
  private static final int MAX_CACHED = 10_000;

  private final Database db;
  private final Clock clock;
  private final SecureRandom random;
  private final KeyCache cache;

  private ApiKeys(Builder b) {
    this.db = b.db;
    this.clock = b.clock;
    this.random = b.random;
    this.cache = new KeyCache(
        id -> db.transaction(c -> KeyRows.find(c, id)), b.nanoTime, b.cacheTtl.toNanos(),
        MAX_CACHED);
  }

  /**
   * Creates or updates the security tables (API keys and the audit log) in {@code db}, as
   * {@link Builder#build()} does; a restore needs them before it puts rows back.
   */
  public static void migrate(Database db) {
    SecuritySchema.migrate(Objects.requireNonNull(db, "db"));
  }

  public static Builder builder() {
    return new Builder();
  }

  public CreatedKey create(NewKey spec) {
    KeyToken token = KeyToken.generate(random);
    ApiKey key = new ApiKey(token.id(), spec.name(), spec.role(), spec.models(), spec.rateLimit(),
        clock.instant(), spec.createdBy().describe(), null);
    db.transaction(c -> {
      KeyRows.insert(c, key, token.secretHash());
      return null;
    });
    cache.forget(key.id());
    return new CreatedKey(key, token.text());
  }

  /** Every key, revoked ones included, oldest first. */
  public List<ApiKey> list() {
    return db.transaction(KeyRows::all).stream().map(StoredKey::key).toList();
  }

  /** Whether no key was ever created: the server then offers a first admin key. */
  public boolean isEmpty() {
    return !db.transaction(KeyRows::any);
  }

  /**
   * Revokes the key from now on; revoking it again changes nothing.
   *
   * @throws KeyNotFoundException when there is no such key
   */
  public ApiKey revoke(String id) {
    Objects.requireNonNull(id, "id");
    Optional<StoredKey> revoked = db.transaction(c -> KeyRows.revoke(c, id, clock.instant()));
    cache.forget(id);
    return revoked.map(StoredKey::key).orElseThrow(() -> new KeyNotFoundException(id));
  }

  /** @throws KeyNotFoundException when there is no such key */
  public ApiKey get(String id) {
    return db.transaction(c -> KeyRows.find(c, id)).map(StoredKey::key)
        .orElseThrow(() -> new KeyNotFoundException(id));
  }

  /**
   * The valid key that {@code token} proves.
   *
   * @throws UnauthenticatedException when the token is malformed, unknown, wrong or revoked
   */
  public ApiKey authenticate(String token) {
    KeyToken parsed = KeyToken.parse(token);
    Optional<StoredKey> stored = cache.get(parsed.id());
    // An unknown id and a wrong secret get the same answer, which tells a guesser nothing.
    if (stored.isEmpty() || !parsed.matches(stored.get().secretHash())) {
      throw new UnauthenticatedException("the API key is not valid: unknown or mistyped; check"
          + " it, or ask an admin for a new one (./serval keys create)");
    }
    ApiKey key = stored.get().key();
    if (key.isRevoked()) {
      throw new UnauthenticatedException(key.describe() + " was revoked at " + key.revokedAt()
          + "; ask an admin for a new one (./serval keys create)");
    }
    return key;
  }

  /**
   * Reads the key of {@code token} into the cache on {@code executor}, unless it is there: a
   * server calls this ahead of {@link #authenticate(String)} to keep the database off its event
   * loop. Completes at once for a malformed token, which authenticate then refuses.
   */
  public CompletableFuture<Void> load(String token, Executor executor) {
    KeyToken parsed;
    try {
      parsed = KeyToken.parse(token);
    } catch (UnauthenticatedException e) {
      return CompletableFuture.completedFuture(null);
    }
    if (cache.isFresh(parsed.id())) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> cache.get(parsed.id()), executor);
  }

  /** Configures {@link ApiKeys}; {@link #build} brings the tables up to date. */
  public static final class Builder {
    private Database db;
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = System::nanoTime;
    private SecureRandom random;
    private Duration cacheTtl = Duration.ofSeconds(5);

    private Builder() {}

    /** Required; the caller keeps owning (and closes) it. */
    public Builder database(Database db) {
      this.db = Objects.requireNonNull(db, "db");
      return this;
    }

    /** Creation and revocation times. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Ages cache entries. */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** Source of key ids and secrets; default: a new {@link SecureRandom}. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * How long a key read from the database is trusted: the most time a revocation made through
     * another node takes to reach this one (default 5 s).
     */
    public Builder cacheTtl(Duration ttl) {
      if (ttl == null || ttl.isNegative()) {
        throw new IllegalArgumentException("cacheTtl must be zero or positive but was " + ttl);
      }
      this.cacheTtl = ttl;
      return this;
    }

    public ApiKeys build() {
      if (db == null) {
        throw new IllegalStateException("ApiKeys needs database(..)");
      }
      SecuritySchema.migrate(db);
      if (random == null) {
        random = new SecureRandom();
      }
      return new ApiKeys(this);
    }
  }
}
