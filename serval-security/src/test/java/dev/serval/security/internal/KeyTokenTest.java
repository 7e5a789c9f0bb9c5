package dev.serval.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.UnauthenticatedException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyTokenTest {
  private final SecureRandom random = new SecureRandom();

  @Test
  void generatesTokensThatParseBackToTheirIdAndSecret() {
    KeyToken token = KeyToken.generate(random);

    assertThat(token.text()).matches("sv_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    assertThat(KeyToken.parse(token.text())).isEqualTo(token);
  }

  @Test
  void carries256RandomBitsOfSecret() {
    KeyToken token = KeyToken.generate(random);

    // 43 base64url characters without padding encode 32 bytes.
    assertThat(java.util.Base64.getUrlDecoder().decode(token.secret())).hasSize(32);
    assertThat(KeyToken.generate(random).secret()).isNotEqualTo(token.secret());
  }

  @Test
  void parsesASecretThatContainsTheSeparator() {
    String secret = "ab_" + "c".repeat(40);

    KeyToken parsed = KeyToken.parse("sv_0123456789abcdef_" + secret);

    assertThat(parsed.id()).isEqualTo("0123456789abcdef");
    assertThat(parsed.secret()).isEqualTo(secret);
  }

  @Test
  void refusesMalformedTokens() {
    String valid = KeyToken.generate(random).text();
    for (String bad : new String[] {"", "sv_", "xx" + valid.substring(2), valid + "x",
        valid.substring(0, valid.length() - 1), "sv_0123_" + "c".repeat(43),
        "sv_0123456789ABCDEF_" + "c".repeat(43), "Bearer " + valid}) {
      assertThatThrownBy(() -> KeyToken.parse(bad)).as(bad)
          .isInstanceOf(UnauthenticatedException.class)
          .hasMessageContaining("sv_<id>_<secret>");
    }
    assertThatThrownBy(() -> KeyToken.parse(null)).isInstanceOf(UnauthenticatedException.class);
  }

  @Test
  void hashesTheSecretWithSha256() throws Exception {
    KeyToken token = KeyToken.generate(random);

    byte[] expected = MessageDigest.getInstance("SHA-256")
        .digest(token.secret().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(HexFormat.of().formatHex(token.secretHash()))
        .isEqualTo(HexFormat.of().formatHex(expected));
  }

  @Test
  void matchesOnlyTheHashOfItsOwnSecret() {
    KeyToken token = KeyToken.generate(random);
    KeyToken other = new KeyToken(token.id(), KeyToken.generate(random).secret());

    assertThat(token.matches(token.secretHash())).isTrue();
    assertThat(other.matches(token.secretHash())).isFalse();
  }

  @Test
  void neverShowsTheSecretInToString() {
    KeyToken token = KeyToken.generate(random);

    assertThat(token.toString()).contains(token.id()).doesNotContain(token.secret());
  }
}
