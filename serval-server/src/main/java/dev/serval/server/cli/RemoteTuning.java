package dev.serval.server.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serval.server.studies.StudiesApi;
import dev.serval.tune.TrialPrunedException;
import dev.serval.tune.TrialState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * {@code serval tune --server}: the trial loop of a study the server holds. Each worker asks the
 * server for a trial, runs the program, reports its intermediate values (the server answers
 * whether to prune) and tells the result, so machines that share a server tune one study.
 */
final class RemoteTuning {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> PARAMS =
      new TypeReference<>() {};

  private final ServalClient client;
  private final String path;
  private final AtomicBoolean stopped = new AtomicBoolean();

  /** @param study as {@code POST /api/v1/studies} answered it */
  RemoteTuning(ServalClient client, JsonNode study) {
    this.client = client;
    this.path = StudiesApi.PREFIX + "/" + ServalClient.segment(study.get("name").asText());
  }

  /** Runs {@code trials} trials on {@code parallel} workers; returns when all are told. */
  void run(CommandObjective objective, int trials, int parallel, Executor executor,
      TuneProgress progress) {
    AtomicInteger remaining = new AtomicInteger(trials);
    CompletableFuture<?>[] workers = IntStream.range(0, parallel)
        .mapToObj(i -> CompletableFuture.runAsync(
            () -> work(objective, remaining, progress), executor))
        .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(workers).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Starts no more trials; running ones finish (Ctrl-C also kills their programs). */
  void stop() {
    stopped.set(true);
  }

  private void work(CommandObjective objective, AtomicInteger remaining, TuneProgress progress) {
    while (!stopped.get() && remaining.getAndDecrement() > 0) {
      JsonNode trial = client.postJson(path + "/trials", Map.of());
      String trialPath = path + "/trials/" + trial.get("number").asInt();
      Map<String, Object> outcome = evaluate(objective, trialPath,
          JSON.convertValue(trial.get("params"), PARAMS));
      JsonNode told = client.put(trialPath, outcome);
      JsonNode value = told.get("value");
      progress.record(told.get("number").asInt(), TrialState.valueOf(told.get("state").asText()),
          value == null || value.isNull() ? OptionalDouble.empty()
              : OptionalDouble.of(value.asDouble()),
          told.at("/user_attrs/error").isMissingNode() ? null
              : told.at("/user_attrs/error").asText());
    }
  }

  /** The body of the tell: the program's value, or why there is none. */
  private Map<String, Object> evaluate(
      CommandObjective objective, String trialPath, Map<String, Object> params) {
    try {
      double value = objective.run(params, (step, reported) -> client.postJson(
          trialPath + "/report", Map.of("step", step, "value", reported))
          .get("prune").asBoolean());
      return Double.isFinite(value) ? Map.of("state", "complete", "value", value)
          : failed("value " + value + " is not finite");
    } catch (TrialPrunedException e) {
      return Map.of("state", "pruned");
    } catch (CommandException e) {
      throw e; // the server cannot be reached or refused a report: stop rather than guess
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return failed(String.valueOf(e));
    }
  }

  private static Map<String, Object> failed(String reason) {
    return Map.of("state", "fail", "error", reason);
  }

  /** The best trial, or null when none has completed. */
  JsonNode best() {
    JsonNode study = client.get(path);
    return study.get("best_trial").isNull() ? null : client.get(path + "/best");
  }

  JsonNode study() {
    return client.get(path);
  }

  /** Writes the study, every trial and the best one, as the studies API gives them. */
  void writeReport(Path file) {
    JsonNode study = study();
    ObjectNode root = JSON.createObjectNode();
    root.put("study", study.get("name").asText());
    root.put("direction", study.get("direction").asText().toLowerCase(Locale.ROOT));
    ArrayNode trials = root.putArray("trials");
    String after = "";
    do {
      JsonNode page = client.get(path + "/trials?limit=1000" + after);
      trials.addAll((ArrayNode) page.get("trials"));
      after = page.get("next").isNull() ? null : "&after=" + page.get("next").asInt();
    } while (after != null);
    root.set("best", best());
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
