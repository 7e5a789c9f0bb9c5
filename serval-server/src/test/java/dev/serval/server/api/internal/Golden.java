package dev.serval.server.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Golden files under {@code src/test/resources/golden}: pretty-printed for review, compared as
 * JSON trees so that layout does not matter but every name, value and number form does.
 */
final class Golden {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Golden() {}

  static void assertMatches(String file, String actualJson) {
    assertThat(tree(actualJson)).as("%s vs %s", file, actualJson).isEqualTo(expected(file));
  }

  static void assertMatches(String file, byte[] actualJson) {
    assertMatches(file, new String(actualJson, java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonNode expected(String file) {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no golden file " + file);
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
