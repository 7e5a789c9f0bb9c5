package dev.serval.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.train.Teacher;

/**
 * A teacher model that a Serval server serves: its outputs come from batched Open Inference
 * Protocol requests, so distillation needs neither the teacher's file nor its runtime here. The
 * version is fixed when resolved, so that an alias moving meanwhile does not mix two teachers.
 */
final class RemoteTeacher implements Teacher {
  /** Rows per request: a served model's default max_batch_size. */
  static final int BATCH_ROWS = 64;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double SUM_TOLERANCE = 1e-3;
  private static final float SMALLEST_PROBABILITY = 1e-12f;

  private final ServalClient client;
  private final String model;
  private final int version;
  private final long sizeBytes;
  private final String input;
  private final String output;

  private RemoteTeacher(ServalClient client, String model, JsonNode version) {
    this.client = client;
    this.model = model;
    this.version = version.path("version").asInt();
    this.sizeBytes = version.path("size_bytes").asLong();
    JsonNode inputs = version.path("signature").path("inputs");
    if (inputs.size() != 1) {
      throw new UsageException("teacher " + this + " must have one input of [rows, features],"
          + " but has " + inputs.size());
    }
    this.input = inputs.get(0).path("name").asText();
    this.output = outputName(version.path("signature").path("outputs"));
  }

  /**
   * The version that {@code reference} names: {@code MODEL:VERSION}, {@code MODEL@ALIAS}, or
   * {@code MODEL} for its newest READY version.
   */
  static RemoteTeacher resolve(ServalClient client, String reference) {
    int at = reference.indexOf('@');
    int colon = reference.lastIndexOf(':');
    int cut = at >= 0 ? at : colon;
    String model = cut < 0 ? reference : reference.substring(0, cut);
    String selector = cut < 0 ? newestReady(client, model) : reference.substring(cut + 1);
    if (model.isEmpty() || selector.isEmpty()) {
      throw new UsageException("--teacher must be MODEL, MODEL:VERSION or MODEL@ALIAS but was '"
          + reference + "'");
    }
    JsonNode version = client.get(ModelsCommand.ClientCommand.modelPath(model) + "/versions/"
        + ServalClient.segment(selector));
    if (!"READY".equals(version.path("state").asText())) {
      throw new CommandException("teacher " + model + " version " + version.path("version")
          + " is " + version.path("state").asText() + "; distil from a READY version");
    }
    return new RemoteTeacher(client, model, version);
  }

  private static String newestReady(ServalClient client, String model) {
    JsonNode versions = client.get("/v2/models/" + ServalClient.segment(model)).path("versions");
    if (versions.isEmpty()) {
      throw new CommandException("model " + model + " has no READY version to distil from");
    }
    return versions.get(versions.size() - 1).asText();
  }

  /** Logits when the model has them, else its first output (probabilities, made log). */
  private String outputName(JsonNode outputs) {
    if (outputs.isEmpty()) {
      throw new UsageException("teacher " + this + " has no outputs");
    }
    for (JsonNode candidate : outputs) {
      if (candidate.path("name").asText().equals("logits")) {
        return "logits";
      }
    }
    return outputs.get(0).path("name").asText();
  }

  String model() {
    return model;
  }

  int version() {
    return version;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public float[] logits(float[] features, int rows) {
    if (rows == 0) {
      return new float[0];
    }
    int width = features.length / rows;
    float[] all = null;
    for (int from = 0; from < rows; from += BATCH_ROWS) {
      int count = Math.min(BATCH_ROWS, rows - from);
      float[] batch = infer(features, from * width, count, width);
      if (all == null) {
        all = new float[rows * (batch.length / count)];
      }
      System.arraycopy(batch, 0, all, from * (batch.length / count), batch.length);
    }
    return asLogits(all, rows);
  }

  private float[] infer(float[] features, int offset, int rows, int width) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode tensor = body.putArray("inputs").addObject();
    tensor.put("name", input).put("datatype", "FP32");
    tensor.putArray("shape").add(rows).add(width);
    ArrayNode data = tensor.putArray("data");
    for (int i = 0; i < rows * width; i++) {
      data.add(features[offset + i]);
    }
    body.putArray("outputs").addObject().put("name", output);
    JsonNode answer = client.postJson("/v2/models/" + ServalClient.segment(model)
        + "/versions/" + version + "/infer", body);
    for (JsonNode out : answer.path("outputs")) {
      if (out.path("name").asText().equals(output)) {
        JsonNode values = out.path("data");
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
          result[i] = (float) values.get(i).asDouble();
        }
        return result;
      }
    }
    throw new CommandException("teacher " + this + " answered without output " + output);
  }

  /** Probabilities become log-probabilities, which soften like logits; logits stay. */
  private static float[] asLogits(float[] values, int rows) {
    int classes = values.length / rows;
    for (int n = 0; n < rows; n++) {
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        float p = values[n * classes + k];
        if (p < 0 || p > 1) {
          return values;
        }
        sum += p;
      }
      if (Math.abs(sum - 1) > SUM_TOLERANCE) {
        return values;
      }
    }
    float[] logs = new float[values.length];
    for (int i = 0; i < logs.length; i++) {
      logs[i] = (float) Math.log(Math.max(values[i], SMALLEST_PROBABILITY));
    }
    return logs;
  }

  @Override
  public String toString() {
    return model + " v" + version;
  }
}
