package dev.serval.security.internal;

import dev.serval.core.UnauthenticatedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The token a client sends: {@code sv_<id>_<secret>}. The id (64 random bits, hex) finds the key
 * without a search; the secret (256 random bits, base64url) proves it.
 */
public record KeyToken(String id, String secret) {
  static final String PREFIX = "sv_";
  private static final int ID_BYTES = 8;
  private static final int SECRET_BYTES = 32;
  private static final Pattern ID = Pattern.compile("[0-9a-f]{" + 2 * ID_BYTES + "}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  public static KeyToken generate(SecureRandom random) {
    byte[] id = new byte[ID_BYTES];
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(id);
    random.nextBytes(secret);
    return new KeyToken(HexFormat.of().formatHex(id), BASE64URL.encodeToString(secret));
  }

  /**
   * @throws UnauthenticatedException when {@code text} does not have the shape of a token
   */
  public static KeyToken parse(String text) {
    if (text != null && text.startsWith(PREFIX)) {
      int end = text.indexOf('_', PREFIX.length());
      if (end > 0) {
        String id = text.substring(PREFIX.length(), end);
        String secret = text.substring(end + 1);
        if (ID.matcher(id).matches() && SECRET.matcher(secret).matches()) {
          return new KeyToken(id, secret);
        }
      }
    }
    throw new UnauthenticatedException("malformed API key: keys look like sv_<id>_<secret>, as"
        + " ./serval keys create prints them; check that it was copied whole");
  }

  public String text() {
    return PREFIX + id + "_" + secret;
  }

  /**
   * SHA-256 of the secret. A slow password hash (bcrypt, Argon2) defends guessable passwords; a
   * 256-bit random secret cannot be guessed from its hash, so a fast hash loses nothing and keeps
   * each authentication cheap.
   */
  public byte[] secretHash() {
    return sha256(secret);
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** In constant time, so that the time taken does not tell how much of a guess was right. */
  public boolean matches(byte[] storedHash) {
    return MessageDigest.isEqual(secretHash(), storedHash);
  }

  /** Without the secret, which must not end up in logs. */
  @Override
  public String toString() {
    return PREFIX + id + "_<secret>";
  }
}
