package dev.serval.gateway.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.serval.gateway.ServedModel;
import dev.serval.gateway.UpstreamStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The gateway's own JSON: the status page, the merged repository index and errors. */
public final class GatewayJson {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private GatewayJson() {}

  /** {@code {"upstreams": [{"address", "healthy", "circuit", "in_flight", "models", ...}]}}. */
  public static AggregatedHttpResponse upstreams(List<UpstreamStatus> upstreams) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (UpstreamStatus u : upstreams) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("address", u.address().toString());
      row.put("healthy", u.healthy());
      row.put("circuit", u.circuit());
      row.put("in_flight", u.inFlight());
      row.put("models", u.models());
      row.put("last_error", u.lastError());
      rows.add(row);
    }
    return ok(Map.of("upstreams", rows));
  }

  /** The Open Inference Protocol repository index of what the healthy replicas serve. */
  public static AggregatedHttpResponse index(List<ServedModel> ready) {
    List<Map<String, String>> entries = new ArrayList<>();
    for (ServedModel m : ready) {
      entries.add(Map.of("name", m.name(), "version", m.version(), "state", "READY"));
    }
    return ok(entries);
  }

  /** {@code {"error": message}}, the form the replicas use. */
  public static AggregatedHttpResponse error(HttpStatus status, String message) {
    return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, write(Map.of("error", message)));
  }

  public static AggregatedHttpResponse flag(String name, boolean value) {
    return AggregatedHttpResponse.of(value ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
        MediaType.JSON_UTF_8, write(Map.of(name, value)));
  }

  private static AggregatedHttpResponse ok(Object body) {
    return AggregatedHttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, write(body));
  }

  private static byte[] write(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the gateway's JSON: " + e.getMessage(), e);
    }
  }
}
