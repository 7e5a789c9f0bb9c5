package dev.serval.server.api.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.serval.core.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * The shared Jackson streaming factory, a helper for small JSON documents and the error for
 * malformed ones.
 */
final class Json {
  /**
   * Fast (still correctly rounding) number parsing and writing. Jackson's default read
   * constraints stay on: they bound nesting depth and number length for untrusted bodies.
   */
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();

  // Jackson's texts name its own internals; clients get what was wrong and where.
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");
  private static final Pattern QUOTED_CODE = Pattern.compile("\\(('.+?') \\(code \\d+\\)\\)");
  private static final Pattern CODE = Pattern.compile(" \\(code \\d+\\)");
  private static final Pattern SETTING = Pattern.compile(", from `[^`]*`");

  private Json() {}

  /**
   * The error for a body the parser rejects, e.g. {@code malformed JSON at line 1, column 17:
   * unexpected character '}': expected a value}.
   */
  static InvalidInputException malformed(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new InvalidInputException("malformed JSON" + where + ": " + describe(e), e);
  }

  private static String describe(JsonProcessingException e) {
    String text = e.getOriginalMessage();
    text = SOURCE.matcher(text).replaceAll("line $1, column $2");
    text = QUOTED_CODE.matcher(text).replaceAll("$1");
    text = CODE.matcher(text).replaceAll("");
    text = SETTING.matcher(text).replaceAll("");
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  /** Writes one document with {@code body} and returns its UTF-8 bytes. */
  static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      body.writeTo(generator);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /** Writes the content of a JSON document. */
  @FunctionalInterface
  interface Body {
    void writeTo(JsonGenerator generator) throws IOException;
  }
}
