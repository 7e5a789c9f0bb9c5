package dev.serval.registry.backup.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * {@code manifest.json}: what an archive holds and the checksum of every other entry in it.
 *
 * @param format layout version of the archive; readers refuse formats they do not know
 * @param schemaVersion the Flyway version of the database that was backed up
 */
public record Manifest(
    int format,
    String createdAt,
    String servalVersion,
    String schemaVersion,
    List<TableEntry> tables,
    List<ArtifactEntry> artifacts) {

  public static final int FORMAT = 1;
  public static final String ENTRY = "manifest.json";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .build();

  public Manifest {
    Objects.requireNonNull(tables, "the manifest lacks tables");
    Objects.requireNonNull(artifacts, "the manifest lacks artifacts");
    tables = List.copyOf(tables);
    artifacts = List.copyOf(artifacts);
  }

  /** A table's rows in {@code tables/<name>.jsonl}. */
  public record TableEntry(String name, List<Column> columns, long rows, String sha256) {
    public TableEntry {
      Objects.requireNonNull(name, "a table entry lacks its name");
      Objects.requireNonNull(sha256, "table entry " + name + " lacks its sha256");
      Objects.requireNonNull(columns, "table entry " + name + " lacks its columns");
      columns = List.copyOf(columns);
    }

    public String entryName() {
      return entryName(name);
    }

    static String entryName(String table) {
      return "tables/" + table + ".jsonl";
    }
  }

  /** An artifact's content in {@code artifacts/<sha256>}. */
  public record ArtifactEntry(String sha256, long size) {
    public ArtifactEntry {
      Objects.requireNonNull(sha256, "an artifact entry lacks its sha256");
    }

    public String entryName() {
      return "artifacts/" + sha256;
    }
  }

  public long rows() {
    return tables.stream().mapToLong(TableEntry::rows).sum();
  }

  public long artifactBytes() {
    return artifacts.stream().mapToLong(ArtifactEntry::size).sum();
  }

  /** Writes the manifest without closing {@code out}. */
  public void write(OutputStream out) throws IOException {
    JSON.writeValue(out, this);
  }

  /**
   * @throws IOException when the content is not a manifest (malformed JSON, missing fields)
   */
  public static Manifest read(InputStream in) throws IOException {
    return JSON.readValue(in, Manifest.class);
  }
}
