package dev.serval.bench.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads HTTP/1.1 responses from a stream, keeping only what a load generator needs: the status
 * and whether the connection stays open. Bodies (Content-Length, chunked, or up to end of stream)
 * are skipped without being copied out of the read buffer.
 */
public final class HttpResponseReader {
  private static final int MAX_LINE = 8192;
  private static final byte[] CONTENT_LENGTH = ascii("content-length:");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding:");
  private static final byte[] CONNECTION = ascii("connection:");
  private static final byte[] CHUNKED = ascii("chunked");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");

  /** The parts of a response the load generator looks at. */
  public record Response(int status, boolean keepAlive) {}

  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private final byte[] line = new byte[MAX_LINE];
  private int lineLength;
  private int position;
  private int limit;

  public HttpResponseReader(InputStream in) {
    this.in = in;
  }

  /**
   * Reads one complete response, skipping interim 1xx responses.
   *
   * @throws IOException when the stream ends early or the response is malformed
   */
  public Response read() throws IOException {
    while (true) {
      readLine();
      int status = parseStatusLine();
      boolean http11 = line[7] == '1';
      Headers headers = readHeaders(http11);
      if (status >= 100 && status < 200) {
        continue;
      }
      boolean keepAlive = skipBody(status, headers);
      return new Response(status, keepAlive);
    }
  }

  private static final class Headers {
    long contentLength = -1;
    boolean chunked;
    boolean keepAlive;
  }

  private Headers readHeaders(boolean http11) throws IOException {
    Headers headers = new Headers();
    headers.keepAlive = http11;
    while (readLine() > 0) {
      if (startsWithIgnoreCase(CONTENT_LENGTH)) {
        headers.contentLength = parseContentLength();
      } else if (startsWithIgnoreCase(TRANSFER_ENCODING)) {
        headers.chunked = containsIgnoreCase(CHUNKED);
      } else if (startsWithIgnoreCase(CONNECTION)) {
        if (containsIgnoreCase(CLOSE)) {
          headers.keepAlive = false;
        } else if (containsIgnoreCase(KEEP_ALIVE)) {
          headers.keepAlive = true;
        }
      }
    }
    return headers;
  }

  /** Skips the body and tells whether the connection can carry another request. */
  private boolean skipBody(int status, Headers headers) throws IOException {
    if (status == 204 || status == 304) {
      return headers.keepAlive;
    }
    if (headers.chunked) {
      skipChunks();
      return headers.keepAlive;
    }
    if (headers.contentLength >= 0) {
      skip(headers.contentLength);
      return headers.keepAlive;
    }
    // neither length nor chunking: the body runs to the end of the stream
    while (position < limit || fill() > 0) {
      position = limit;
    }
    return false;
  }

  private void skipChunks() throws IOException {
    long size;
    while ((size = parseChunkSize()) > 0) {
      skip(size);
      if (readLine() != 0) {
        throw new IOException("chunk of " + size + " bytes is not followed by CRLF");
      }
    }
    while (readLine() > 0) {
      // trailer fields are not used
    }
  }

  private long parseChunkSize() throws IOException {
    readLine();
    long size = 0;
    int i = 0;
    for (; i < lineLength && line[i] != ';' && line[i] != ' '; i++) {
      int digit = Character.digit(line[i], 16);
      if (digit < 0 || size > (Long.MAX_VALUE >> 4)) {
        throw new IOException("bad chunk size line: '" + lineText() + "'");
      }
      size = size * 16 + digit;
    }
    if (i == 0) {
      throw new IOException("empty chunk size line");
    }
    return size;
  }

  private int parseStatusLine() throws IOException {
    if (lineLength < 12 || !startsWith("HTTP/1.") || line[8] != ' ') {
      throw new IOException("not an HTTP/1.x status line: '" + lineText() + "'");
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      if (line[i] < '0' || line[i] > '9') {
        throw new IOException("bad status code in '" + lineText() + "'");
      }
      status = status * 10 + (line[i] - '0');
    }
    return status;
  }

  private long parseContentLength() throws IOException {
    long value = 0;
    boolean digits = false;
    for (int i = CONTENT_LENGTH.length; i < lineLength; i++) {
      byte b = line[i];
      if (b >= '0' && b <= '9') {
        if (value > (Long.MAX_VALUE - 9) / 10) {
          throw new IOException("Content-Length too large: '" + lineText() + "'");
        }
        value = value * 10 + (b - '0');
        digits = true;
      } else if (b != ' ' && b != '\t') {
        throw new IOException("bad Content-Length: '" + lineText() + "'");
      }
    }
    if (!digits) {
      throw new IOException("empty Content-Length");
    }
    return value;
  }

  /** Reads one CRLF- (or LF-) terminated line into {@link #line}; returns its length. */
  private int readLine() throws IOException {
    lineLength = 0;
    while (true) {
      if (position == limit && fill() < 0) {
        throw new EOFException("connection closed in the middle of a response");
      }
      byte b = buffer[position++];
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return lineLength;
      }
      if (lineLength == MAX_LINE) {
        throw new IOException("response line longer than " + MAX_LINE + " bytes");
      }
      line[lineLength++] = b;
    }
  }

  private void skip(long count) throws IOException {
    long remaining = count;
    while (remaining > 0) {
      if (position == limit && fill() < 0) {
        throw new EOFException("connection closed with " + remaining + " body bytes missing");
      }
      int step = (int) Math.min(remaining, limit - position);
      position += step;
      remaining -= step;
    }
  }

  private int fill() throws IOException {
    int read = in.read(buffer, 0, buffer.length);
    position = 0;
    limit = Math.max(read, 0);
    return read;
  }

  private boolean startsWith(String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (line[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean startsWithIgnoreCase(byte[] lowerPrefix) {
    if (lineLength < lowerPrefix.length) {
      return false;
    }
    for (int i = 0; i < lowerPrefix.length; i++) {
      if (toLower(line[i]) != lowerPrefix[i]) {
        return false;
      }
    }
    return true;
  }

  private boolean containsIgnoreCase(byte[] lowerWord) {
    outer:
    for (int start = 0; start + lowerWord.length <= lineLength; start++) {
      for (int i = 0; i < lowerWord.length; i++) {
        if (toLower(line[start + i]) != lowerWord[i]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte toLower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
  }

  private String lineText() {
    return new String(line, 0, Math.min(lineLength, 200), StandardCharsets.ISO_8859_1);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
