package dev.serval.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.DataType;
import dev.serval.core.Shape;
import dev.serval.core.TensorSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where one model is served: the server's address and the model's Open Inference Protocol paths.
 * Also reads the model's input signature from the metadata endpoint, off the measured path.
 */
public final class ModelEndpoint {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final URI base;
  private final String modelPath;

  /**
   * @param baseUrl e.g. {@code http://127.0.0.1:8000}
   * @param version a version, or {@code null} for the model's default
   */
  public ModelEndpoint(URI baseUrl, String model, String version) {
    if (!"http".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "server URL must be http://host:port but was '" + baseUrl + "'");
    }
    this.base = baseUrl;
    this.modelPath = "/v2/models/" + checkName("model", model)
        + (version == null ? "" : "/versions/" + checkName("version", version));
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(base.getHost(), port());
  }

  public String hostHeader() {
    return base.getHost() + ":" + port();
  }

  public String inferPath() {
    return modelPath + "/infer";
  }

  public URI inferUri() {
    return base.resolve(inferPath());
  }

  /**
   * The model's inputs as its metadata reports them.
   *
   * @throws IllegalStateException when the server does not answer 200 or the metadata is not
   *     Open Inference Protocol model metadata
   */
  public List<TensorSpec> fetchInputs(Duration timeout) {
    JsonNode metadata = getJson(modelPath, timeout);
    JsonNode inputs = metadata.path("inputs");
    if (!inputs.isArray() || inputs.isEmpty()) {
      throw new IllegalStateException("metadata of " + base.resolve(modelPath) + " lists no "
          + "inputs: " + metadata);
    }
    List<TensorSpec> specs = new ArrayList<>();
    for (JsonNode input : inputs) {
      long[] dims = new long[input.path("shape").size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = input.path("shape").get(i).asLong();
      }
      specs.add(new TensorSpec(input.path("name").asText(),
          DataType.fromName(input.path("datatype").asText()), Shape.ofSignature(dims)));
    }
    return specs;
  }

  private JsonNode getJson(String path, Duration timeout) {
    URI uri = base.resolve(path);
    // HTTP/1.1: the default HTTP/2 upgrade attempt on plain http is refused by some servers
    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .build();
    try {
      HttpResponse<byte[]> response = client.send(
          HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
            + body.substring(0, Math.min(body.length(), 200)));
      }
      return MAPPER.readTree(response.body());
    } catch (IOException e) {
      // a refused connection comes without a message
      String reason = e.getMessage() != null ? e.getMessage() : e.toString();
      throw new UncheckedIOException("GET " + uri + " failed: " + reason, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + uri, e);
    }
  }

  private int port() {
    return base.getPort() == -1 ? 80 : base.getPort();
  }

  private static String checkName(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + " must match " + NAME.pattern() + " but was '" + value + "'");
    }
    return value;
  }
}
