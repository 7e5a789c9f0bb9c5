package dev.serval.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.bench.internal.HttpResponseReader.Response;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {
  private static final String JSON_200 = "HTTP/1.1 200 OK\r\n"
      + "content-type: application/json\r\n"
      + "content-length: 13\r\n"
      + "\r\n"
      + "{\"ok\":\"yes\"}\n";

  @Test
  void skipsAContentLengthBodyExactlySoTheNextResponseParses() throws IOException {
    HttpResponseReader reader = reader(JSON_200 + "HTTP/1.1 429 Too Many Requests\r\n"
        + "Retry-After: 1\r\nContent-Length: 0\r\n\r\n");

    assertThat(reader.read()).isEqualTo(new Response(200, true));
    assertThat(reader.read()).isEqualTo(new Response(429, true));
  }

  @Test
  void skipsAChunkedBodyWithExtensionsAndTrailers() throws IOException {
    HttpResponseReader reader = reader("HTTP/1.1 200 OK\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n"
        + "5;name=value\r\nhello\r\n"
        + "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
        + "0\r\nX-Trailer: 1\r\n\r\n"
        + JSON_200);

    assertThat(reader.read()).isEqualTo(new Response(200, true));
    assertThat(reader.read()).isEqualTo(new Response(200, true));
  }

  @Test
  void parsesResponsesThatArriveOneByteAtATime() throws IOException {
    String chunked = "HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: CHUNKED\r\n\r\n"
        + "3\r\nabc\r\n0\r\n\r\n";
    HttpResponseReader reader = new HttpResponseReader(
        new OneByteAtATime(bytes(chunked + JSON_200)));

    assertThat(reader.read()).isEqualTo(new Response(503, true));
    assertThat(reader.read()).isEqualTo(new Response(200, true));
  }

  @Test
  void matchesHeaderNamesInAnyCase() throws IOException {
    HttpResponseReader reader = reader("HTTP/1.1 200 OK\r\nCONTENT-LENGTH:  2\r\n\r\nok"
        + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");

    assertThat(reader.read().status()).isEqualTo(200);
    assertThat(reader.read().status()).isEqualTo(201);
  }

  @Test
  void reportsThatTheConnectionClosesWhenTheServerSaysSo() throws IOException {
    assertThat(reader("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        .read().keepAlive()).isFalse();
    assertThat(reader("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").read().keepAlive())
        .isFalse();
    assertThat(reader("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")
        .read().keepAlive()).isTrue();
  }

  @Test
  void readsABodyWithoutLengthToTheEndOfTheStream() throws IOException {
    Response response = reader("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(100_000)).read();

    assertThat(response).isEqualTo(new Response(200, false));
  }

  @Test
  void skipsInterimResponsesAndKnowsBodilessStatuses() throws IOException {
    HttpResponseReader reader = reader("HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 204 No Content\r\n\r\n"
        + JSON_200);

    assertThat(reader.read().status()).isEqualTo(204);
    assertThat(reader.read().status()).isEqualTo(200);
  }

  @Test
  void rejectsWhatIsNotAnHttpResponse() {
    assertThatThrownBy(() -> reader("SSH-2.0-OpenSSH\r\n\r\n").read())
        .isInstanceOf(IOException.class).hasMessageContaining("SSH-2.0");
    assertThatThrownBy(() -> reader("HTTP/1.1 2x0 OK\r\n\r\n").read())
        .isInstanceOf(IOException.class).hasMessageContaining("status code");
    assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n").read())
        .isInstanceOf(IOException.class).hasMessageContaining("Content-Length");
    assertThatThrownBy(() -> reader(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").read())
        .isInstanceOf(IOException.class).hasMessageContaining("chunk size");
    assertThatThrownBy(() -> reader(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n").read())
        .isInstanceOf(IOException.class).hasMessageContaining("CRLF");
    assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nX: " + "y".repeat(9000)).read())
        .isInstanceOf(IOException.class).hasMessageContaining("longer than");
  }

  @Test
  void failsWhenTheConnectionClosesMidResponse() {
    assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").read())
        .isInstanceOf(EOFException.class).hasMessageContaining("7 body bytes missing");
    assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nContent-").read())
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> reader("").read()).isInstanceOf(EOFException.class);
  }

  private static HttpResponseReader reader(String text) {
    return new HttpResponseReader(new ByteArrayInputStream(bytes(text)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A stream that hands out one byte per read, like a slow network. */
  private static final class OneByteAtATime extends InputStream {
    private final ByteArrayInputStream in;

    OneByteAtATime(byte[] data) {
      this.in = new ByteArrayInputStream(data);
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return in.read(b, off, Math.min(len, 1));
    }
  }
}
