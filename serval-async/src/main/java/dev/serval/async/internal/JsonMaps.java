package dev.serval.async.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** String maps (request and answer headers) as the JSON text kept in one column. */
final class JsonMaps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private JsonMaps() {}

  static String write(Map<String, String> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("string maps always serialise", e);
    }
  }

  static Map<String, String> read(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the async tables hold only JSON written by JsonMaps", e);
    }
  }
}
