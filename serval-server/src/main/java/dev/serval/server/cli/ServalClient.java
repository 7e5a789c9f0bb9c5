package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.Causes;
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
import java.util.stream.Stream;

/**
 * A small blocking client of the management API for the {@code models} commands: answers are JSON
 * trees; the server's {@code {"error": ...}} and an unreachable server become {@link
 * CommandException}s worded for the user.
 */
final class ServalClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final String baseUrl;
  /** Null when none was given. */
  private final String apiKey;
  private final HttpClient http;

  /** @param apiKey sent as a bearer token; null or blank for none */
  ServalClient(String baseUrl, String apiKey) {
    this.baseUrl = checkUrl(baseUrl);
    this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
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

  /** The body of a successful answer as it is, for answers that are not one JSON document. */
  byte[] download(String path) {
    HttpResponse<byte[]> response = exchange(request(path).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), parse(response.body()));
    }
    return response.body();
  }

  /** A text answer (a job log), as it is. */
  String text(String path) {
    return new String(download(path), StandardCharsets.UTF_8);
  }

  /** The lines of a streamed answer (server-sent events) as they arrive; close the stream. */
  Stream<String> lines(String path) {
    HttpResponse<Stream<String>> response =
        exchange(request(path).header("Accept", "text/event-stream").GET().build(),
            HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() / 100 != 2) {
      String body = String.join("\n", response.body().toList());
      throw failure(response.statusCode(), parse(body.getBytes(StandardCharsets.UTF_8)));
    }
    return response.body();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Accept", "application/json");
    return apiKey == null ? request : request.header("Authorization", "Bearer " + apiKey);
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), body);
    }
    return body;
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException("interrupted while waiting for " + baseUrl);
    }
  }

  private CommandException failure(int status, JsonNode body) {
    JsonNode error = body == null ? null : body.get("error");
    return new CommandException(
        (error != null && error.isTextual() ? error.asText()
            : "the server at " + baseUrl + " answered HTTP " + status) + accessHint(status));
  }

  /** What to do about a refused key, beyond what the server said. */
  private String accessHint(int status) {
    if (status == 401) {
      return apiKey == null ? " (pass --api-key KEY or set SERVAL_API_KEY)"
          : " (the key from --api-key or SERVAL_API_KEY was refused)";
    }
    return status == 403 ? " (ask an admin for a key with the needed role and models)" : "";
  }

  private CommandException unreachable(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return new CommandException("cannot reach the server at " + baseUrl
            + "; start it with ./serval serve or set --server");
      }
    }
    return new CommandException(
        "lost the connection to " + baseUrl + ": " + Causes.rootMessage(e));
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
