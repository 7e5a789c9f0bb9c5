package dev.serval.server.api.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.serval.core.Shape;
import dev.serval.core.TensorSpec;
import dev.serval.serving.ModelMetadata;
import dev.serval.serving.ModelStatistics;
import dev.serval.serving.ModelStatistics.BatchStat;
import dev.serval.serving.ModelStatistics.Stat;
import dev.serval.serving.RepositoryEntry;
import java.io.IOException;
import java.util.List;

/**
 * JSON bodies of the protocol's small responses (everything but inference), with the field
 * names of the Open Inference Protocol and Triton's repository and statistics extensions.
 */
final class ProtocolJson {
  private ProtocolJson() {}

  static byte[] error(String message) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("error", message);
      g.writeEndObject();
    });
  }

  static byte[] serverMetadata(String name, String version, List<String> extensions) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("name", name);
      g.writeStringField("version", version);
      g.writeArrayFieldStart("extensions");
      for (String extension : extensions) {
        g.writeString(extension);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /** {@code {"live": true}} and the like. */
  static byte[] flag(String field, boolean value) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeBooleanField(field, value);
      g.writeEndObject();
    });
  }

  static byte[] modelReady(String name, boolean ready) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("name", name);
      g.writeBooleanField("ready", ready);
      g.writeEndObject();
    });
  }

  static byte[] modelMetadata(ModelMetadata metadata) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("name", metadata.name());
      g.writeArrayFieldStart("versions");
      for (String version : metadata.versions()) {
        g.writeString(version);
      }
      g.writeEndArray();
      g.writeStringField("platform", metadata.platform());
      writeSpecs(g, "inputs", metadata.signature().inputs());
      writeSpecs(g, "outputs", metadata.signature().outputs());
      g.writeEndObject();
    });
  }

  static byte[] repositoryIndex(List<RepositoryEntry> entries) {
    return Json.write(g -> {
      g.writeStartArray();
      for (RepositoryEntry entry : entries) {
        g.writeStartObject();
        g.writeStringField("name", entry.name());
        if (entry.version() != null) {
          g.writeStringField("version", entry.version());
        }
        g.writeStringField("state", entry.state().name());
        if (entry.reason() != null && !entry.reason().isEmpty()) {
          g.writeStringField("reason", entry.reason());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  static byte[] statistics(List<ModelStatistics> statistics) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("model_stats");
      for (ModelStatistics s : statistics) {
        writeModelStatistics(g, s);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  static void writeShape(JsonGenerator g, Shape shape) throws IOException {
    g.writeStartArray();
    for (int i = 0; i < shape.rank(); i++) {
      g.writeNumber(shape.dim(i));
    }
    g.writeEndArray();
  }

  private static void writeSpecs(JsonGenerator g, String field, List<TensorSpec> specs)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (TensorSpec spec : specs) {
      g.writeStartObject();
      g.writeStringField("name", spec.name());
      g.writeStringField("datatype", spec.datatype().name());
      g.writeFieldName("shape");
      writeShape(g, spec.shape());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeModelStatistics(JsonGenerator g, ModelStatistics s) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", s.name());
    g.writeStringField("version", s.version());
    g.writeNumberField("last_inference", s.lastInferenceMillis());
    g.writeNumberField("inference_count", s.inferenceCount());
    g.writeNumberField("execution_count", s.executionCount());
    g.writeObjectFieldStart("inference_stats");
    writeStat(g, "success", s.success());
    writeStat(g, "fail", s.fail());
    writeStat(g, "queue", s.queue());
    writeStat(g, "compute_input", s.computeInput());
    writeStat(g, "compute_infer", s.computeInfer());
    writeStat(g, "compute_output", s.computeOutput());
    g.writeEndObject();
    g.writeArrayFieldStart("batch_stats");
    for (BatchStat batch : s.batches()) {
      g.writeStartObject();
      g.writeNumberField("batch_size", batch.batchSize());
      writeStat(g, "compute_input", batch.computeInput());
      writeStat(g, "compute_infer", batch.computeInfer());
      writeStat(g, "compute_output", batch.computeOutput());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeStat(JsonGenerator g, String field, Stat stat) throws IOException {
    g.writeObjectFieldStart(field);
    g.writeNumberField("count", stat.count());
    g.writeNumberField("ns", stat.nanos());
    g.writeEndObject();
  }
}
