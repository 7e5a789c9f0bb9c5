package dev.serval.runtime.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.serval.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StringTensorsTest {
  @ParameterizedTest
  @CsvSource({
    "'', ",
    "41, ",
    "c3a9, ",
    "e282ac, ",
    "efbfbf, ",
    "ee8080, ",
    "00, contains a NUL character",
    "4100, contains a NUL character",
    "f09f9880, contains a character above U+FFFF",
    "f48fbfbf, contains a character above U+FFFF",
    "80, is not valid UTF-8",
    "c328, is not valid UTF-8",
    "c0af, is not valid UTF-8",
    "e080af, is not valid UTF-8",
    "eda080, is not valid UTF-8",
    "f0808080, is not valid UTF-8",
    "f4908080, is not valid UTF-8",
    "f5808080, is not valid UTF-8",
    "e282, is not valid UTF-8",
    "ff, is not valid UTF-8",
  })
  void acceptsWellFormedUtf8TheApiKeepsAndNamesWhatIsWrongOtherwise(String hex, String problem) {
    byte[][] elements = {"ok".getBytes(StandardCharsets.UTF_8), HexFormat.of().parseHex(hex)};

    Throwable thrown = catchThrowable(() -> StringTensors.check(elements, "x"));

    if (problem == null) {
      assertThat(thrown).isNull();
    } else {
      assertThat(thrown)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("element 1 of input 'x' " + problem);
    }
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    SplittableRandom random = new SplittableRandom(11);
    for (int n = 0; n < 20_000; n++) {
      byte[] element = new byte[random.nextInt(1, 6)];
      for (int i = 0; i < element.length; i++) {
        // Mostly bytes that start or continue multi-byte sequences, where the rules are subtle.
        int high = random.nextInt(4) == 0 ? 0 : 0x80;
        element[i] = (byte) random.nextInt(high, high + 0x80);
      }
      boolean accepted =
          catchThrowable(() -> StringTensors.check(new byte[][] {element}, "x")) == null;

      assertThat(accepted).as(HexFormat.of().formatHex(element)).isEqualTo(keptByTheApi(element));
    }
  }

  @Test
  void decodesWhatItAcceptsAndRejectsTheRest() {
    byte[][] good = {"héllo".getBytes(StandardCharsets.UTF_8), new byte[0]};

    assertThat(StringTensors.toStrings(good, "x")).containsExactly("héllo", "");
    assertThatThrownBy(() -> StringTensors.toStrings(new byte[][] {{'a', 0}}, "x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("NUL");
  }

  /** Strict UTF-8 without NUL and without characters outside the Basic Multilingual Plane. */
  private static boolean keptByTheApi(byte[] element) {
    String decoded;
    try {
      decoded = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(element)).toString();
    } catch (CharacterCodingException e) {
      return false;
    }
    return decoded.chars().noneMatch(c -> c == 0 || Character.isSurrogate((char) c));
  }
}
