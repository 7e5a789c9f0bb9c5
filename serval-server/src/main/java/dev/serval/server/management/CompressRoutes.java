package dev.serval.server.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.compress.AccuracyGate;
import dev.serval.compress.BenchmarkSettings;
import dev.serval.compress.CompressionOptions;
import dev.serval.compress.CompressionReport;
import dev.serval.compress.Compressor;
import dev.serval.compress.GateReport;
import dev.serval.compress.WorkFolder;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.registry.Lineage;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.RegistryService;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.VersionState;
import dev.serval.server.api.internal.HttpErrors;
import dev.serval.server.management.internal.CompressRequest;
import dev.serval.server.management.internal.CompressionReportTable;
import dev.serval.server.management.internal.ManagementJson;
import dev.serval.server.management.internal.Queries;
import dev.serval.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Compression of registered versions: {@code POST .../versions/{version}/compress} compresses the
 * version's artifact on this node (with the accuracy gate when evaluation rows come along) and
 * pushes the result as the model's next version through validation, with lineage (parent,
 * method, settings), summary tags and the full report, which {@code GET
 * .../versions/{version}/compression} returns.
 */
public final class CompressRoutes {
  private static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
  private static final long MAX_REQUEST_BYTES = 256L << 20;
  private static final int DEFAULT_WAIT_SECONDS = 120;
  private static final Set<String> NO_PARAMS = Set.of();

  private final ModelRegistry registry;
  private final RegistryService service;
  private final HttpErrors errors;
  private final CompressionReportTable reports;

  public CompressRoutes(ModelRegistry registry, RegistryService service, HttpErrors errors) {
    this.registry = registry;
    this.service = service;
    this.errors = errors;
    this.reports = new CompressionReportTable(registry.database());
  }

  /** Creates or updates the table of compression reports in {@code db}. */
  public static void migrate(Database db) {
    CompressionReportTable.migrate(Objects.requireNonNull(db, "db"));
  }

  public void registerOn(ServerBuilder sb) {
    String version = ManagementApi.PREFIX + "/{model}/versions/{version}";
    sb.route().post(version + "/compress").maxRequestLength(MAX_REQUEST_BYTES)
        .build(this::compress);
    sb.route().get(version + "/compression").build((ctx, req) -> {
      Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
      return errors.blocking(ctx, () -> report(ctx));
    });
  }

  private HttpResponse report(ServiceRequestContext ctx) {
    VersionRecord version = registry.resolve(ctx.pathParam("model"), ctx.pathParam("version"));
    String json = reports.get(version.model(), version.version()).orElseThrow(() ->
        new ModelNotFoundException(version.model() + " v" + version.version() + " was not made"
            + " by compression, so it has no compression report"));
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, json);
  }

  private HttpResponse compress(ServiceRequestContext ctx, HttpRequest req) {
    Queries.allowOnly(ctx.queryParams(), NO_PARAMS);
    // compressing, timing and validating take longer than a timeout sized for inference
    ctx.clearRequestTimeout();
    return HttpResponse.of(req.aggregate()
        .thenApplyAsync(body -> compress(ctx, ManagementJson.read(body.content().array(),
            CompressRequest.class, "compress request")), ctx.blockingTaskExecutor())
        .exceptionally(errors::toResponse));
  }

  private HttpResponse compress(ServiceRequestContext ctx, CompressRequest request) {
    VersionRecord parent = registry.resolve(ctx.pathParam("model"), ctx.pathParam("version"));
    if (parent.state() != VersionState.READY) {
      throw new InvalidInputException(parent.model() + " v" + parent.version() + " is "
          + parent.state() + "; only READY versions can be compressed");
    }
    try (WorkFolder work = WorkFolder.create(null, "serval-compress")) {
      Path input = copyArtifact(parent, work.resolve("model.onnx"));
      Path output = work.resolve("compressed.onnx");
      CompressionOptions options = request.options(calibration(request, work),
          fineTuneRows(request, work));
      Compressor compressor = Compressor.builder().benchmark(benchmark(request)).build();
      Optional<AccuracyGate> gate = request.gate();
      ObjectNode answer = JSON.createObjectNode();
      CompressionReport result;
      if (gate.isPresent()) {
        GateReport gated = compressor.compress(input, output, options, gate.get());
        answer.set("report", JSON.readTree(gated.toJson()));
        answer.put("text", gated.toText());
        if (!gated.passed()) {
          answer.putNull("version");
          return json(HttpStatus.OK, answer);
        }
        result = gated.result();
      } else {
        result = compressor.compress(input, output, options);
        answer.set("report", JSON.readTree(result.toJson()));
        answer.put("text", result.toText());
      }
      VersionRecord pushed = push(parent, output, result, request);
      reports.put(pushed.model(), pushed.version(), answer.get("report").toString());
      answer.set("version", JSON.readTree(ManagementJson.version(pushed)));
      return json(HttpStatus.CREATED, answer);
    } catch (IOException e) {
      throw new UncheckedIOException("compression of " + parent.model() + " v"
          + parent.version() + " failed: " + e.getMessage(), e);
    }
  }

  /** Pushes the result as the next version and waits for its validation. */
  private VersionRecord push(VersionRecord parent, Path output, CompressionReport result,
      CompressRequest request) throws IOException {
    ObjectNode settings = JSON.createObjectNode();
    settings.put("method", result.method().cliName());
    settings.put("settings", result.settings());
    ObjectNode options = JSON.valueToTree(request);
    options.remove(List.of("eval", "calibration", "fineTune", "description", "timeoutSeconds"));
    settings.set("options", options);
    Lineage lineage = new Lineage(parent.model(), parent.version(), null,
        result.method().cliName(), settings.toString());
    String description = request.description() != null ? request.description()
        : result.method().cliName() + " of v" + parent.version() + " (" + result.settings() + ")";
    VersionMetadata metadata = new VersionMetadata(description, tags(result), lineage);
    VersionRecord pushed;
    try (InputStream in = Files.newInputStream(output)) {
      pushed = service.push(parent.model(), in, metadata, Optional.empty());
    }
    int wait = request.timeoutSeconds() == null ? DEFAULT_WAIT_SECONDS : request.timeoutSeconds();
    return service.awaitValidation(pushed.model(), pushed.version(), Duration.ofSeconds(wait));
  }

  private static Map<String, String> tags(CompressionReport result) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("compression.method", result.method().cliName());
    tags.put("compression.size_ratio", format(result.sizeRatio()));
    for (int i = 0; i < result.result().throughput().size(); i++) {
      tags.put("compression.speedup_batch" + result.result().throughput().get(i).batch(),
          format(result.speedup(i)));
    }
    return tags;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static BenchmarkSettings benchmark(CompressRequest request) {
    double seconds = request.benchSeconds() == null ? 2 : request.benchSeconds();
    int threads = request.threads() == null ? 1 : request.threads();
    try {
      return BenchmarkSettings.of(seconds, threads);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }

  private Path copyArtifact(VersionRecord version, Path file) throws IOException {
    try (InputStream in = registry.artifacts().open(version.sha256())) {
      Files.copy(in, file);
    }
    return file;
  }

  /** The calibration rows as a JSON file for int8-static, or null. */
  private static Path calibration(CompressRequest request, WorkFolder work) throws IOException {
    if (request.calibration() == null) {
      return null;
    }
    return Files.write(work.resolve("calibration.json"),
        JSON.writeValueAsBytes(request.calibration()));
  }

  /** The rows to fine-tune on as a JSON rows file, or null. */
  private static Path fineTuneRows(CompressRequest request, WorkFolder work) throws IOException {
    Optional<List<Map<String, Object>>> rows = request.fineTuneRows();
    return rows.isEmpty() ? null
        : Files.write(work.resolve("fine-tune.json"), JSON.writeValueAsBytes(rows.get()));
  }

  private static HttpResponse json(HttpStatus status, ObjectNode body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, body.toString());
  }
}
