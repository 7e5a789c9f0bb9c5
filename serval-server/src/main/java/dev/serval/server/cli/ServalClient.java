package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A small blocking client of the management API for the {@code models} commands: answers are JSON
 * trees; the server's {@code {"error": ...}} and an unreachable server become {@link
 * CommandException}s worded for the user.
 */
final class ServalClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final String baseUrl;
  private final HttpClient http;

  ServalClient(String baseUrl) {
    this.baseUrl = checkUrl(baseUrl);
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  private static String checkUrl(String url) {
    try {
      URI uri = URI.create(url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      }
    } catch (IllegalArgumentException e) {
      // Reported below.
    }
    throw new UsageException("--server must be an http(s) URL such as http://127.0.0.1:8000 but was "
        + url);
  }

  /** One path segment, escaped. */
  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code name=value&...} with both escaped; repeated names come from a multi-entry list. */
  static String query(Iterable<Map.Entry<String, String>> params) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String> p : params) {
      query.append(query.length() == 0 ? "?" : "&")
          .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
    }
    return query.toString();
  }

  JsonNode get(String path) {
    return send(request(path).GET().build());
  }

  /** @return the answer, or null when the server answered 204 No Content */
  JsonNode delete(String path) {
    return send(request(path).DELETE().build());
  }

  JsonNode put(String path, Object body) {
    return sendJson("PUT", path, body);
  }

  JsonNode postJson(String path, Object body) {
    return sendJson("POST", path, body);
  }

  JsonNode patch(String path, Object body) {
    return sendJson("PATCH", path, body);
  }

  private JsonNode sendJson(String method, String path, Object body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(toJson(body)))
            .build());
  }

  JsonNode post(String path, BodyPublisher body, Map<String, String> headers) {
    HttpRequest.Builder request =
        request(path).header("Content-Type", "application/octet-stream").POST(body);
    headers.forEach(request::header);
    return send(request.build());
  }

  /** A text answer (a job log), as it is. */
  String text(String path) {
    HttpResponse<String> response = sendRaw(request(path).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    check(response.statusCode(), () -> parse(response.body().getBytes(StandardCharsets.UTF_8)));
    return response.body();
  }

  /** The lines of a streamed answer (server-sent events) as they arrive; close the stream. */
  java.util.stream.Stream<String> lines(String path) {
    HttpResponse<java.util.stream.Stream<String>> response =
        sendRaw(request(path).header("Accept", "text/event-stream").GET().build(),
            HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() / 100 != 2) {
      String body = String.join("\n", response.body().toList());
      check(response.statusCode(), () -> parse(body.getBytes(StandardCharsets.UTF_8)));
    }
    return response.body();
  }

  private <T> HttpResponse<T> sendRaw(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException("interrupted while waiting for " + baseUrl);
    }
  }

  private void check(int status, java.util.function.Supplier<JsonNode> body) {
    if (status / 100 != 2) {
      JsonNode error = body.get() == null ? null : body.get().get("error");
      throw new CommandException(error != null && error.isTextual() ? error.asText()
          : "the server at " + baseUrl + " answered HTTP " + status);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<byte[]> response = sendRaw(request, HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = parse(response.body());
    check(response.statusCode(), () -> body);
    return body;
  }

  private CommandException unreachable(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return new CommandException("cannot reach the server at " + baseUrl
            + "; start it with ./serval serve or set --server");
      }
    }
    return new CommandException(
        "lost the connection to " + baseUrl + ": " + Failures.rootMessage(e));
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] toJson(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("request bodies always serialise", e);
    }
  }

  static String pretty(JsonNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException("JSON trees always serialise", e);
    }
  }
}
