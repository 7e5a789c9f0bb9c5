package dev.serval.security.internal;

import dev.serval.security.ApiKey;

/** A key row: the key and the hash of its secret. */
public record StoredKey(ApiKey key, byte[] secretHash) {}
