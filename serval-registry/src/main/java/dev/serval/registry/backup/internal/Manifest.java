package dev.serval.registry.backup.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code manifest.json}: what an archive holds and the checksum of every other entry in it.
 *
 * @param format layout version of the archive; readers refuse formats they do not know
 * @param schemaVersions the Flyway version of each feature's tables that were backed up, by the
 *     feature's history table (the registry's is {@code flyway_schema_history})
 * @param schemaVersion format 1 only: the registry's version; null in newer archives
 */
public record Manifest(
    int format,
    String createdAt,
    String servalVersion,
    Map<String, String> schemaVersions,
    String schemaVersion,
    List<TableEntry> tables,
    List<ArtifactEntry> artifacts,
    List<FileEntry> files) {

  /**
   * 2: every feature's version in schema_versions, no Flyway history tables as data, and the
   * files of folders kept beside the database.
   */
  public static final int FORMAT = 2;
  /** Format 1 knew the registry's version only, and copied other features' history tables. */
  static final int FORMAT_1 = 1;
  public static final String ENTRY = "manifest.json";
  /** Names of folders kept beside the database, e.g. "jobs". */
  public static final Pattern FOLDER_NAME = Pattern.compile("[a-z][a-z0-9-]*");

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  public Manifest {
    Objects.requireNonNull(tables, "the manifest lacks tables");
    Objects.requireNonNull(artifacts, "the manifest lacks artifacts");
    if (schemaVersions == null) {
      schemaVersions = schemaVersion == null ? Map.of()
          : Map.of(Schema.FLYWAY_HISTORY, schemaVersion);
    }
    schemaVersions = Collections.unmodifiableMap(new TreeMap<>(schemaVersions));
    tables = List.copyOf(tables);
    artifacts = List.copyOf(artifacts);
    files = files == null ? List.of() : List.copyOf(files);
  }

  /** A new archive's manifest. */
  public static Manifest of(String createdAt, String servalVersion,
      Map<String, String> schemaVersions, List<TableEntry> tables, List<ArtifactEntry> artifacts,
      List<FileEntry> files) {
    return new Manifest(
        FORMAT, createdAt, servalVersion, schemaVersions, null, tables, artifacts, files);
  }

  /** The tables whose rows a restore loads: all but Flyway history tables of format 1. */
  public List<TableEntry> dataTables() {
    return tables.stream().filter(t -> !Schema.isFlywayHistory(t.columns())).toList();
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

  /**
   * A file of a folder kept beside the database, in {@code folders/<folder>/<path>}.
   *
   * @param path relative, with '/' between names; never leaves the folder
   */
  public record FileEntry(String folder, String path, long size, String sha256) {
    public FileEntry {
      Objects.requireNonNull(folder, "a file entry lacks its folder");
      Objects.requireNonNull(path, "a file entry of " + folder + " lacks its path");
      Objects.requireNonNull(sha256, "file entry " + folder + "/" + path + " lacks its sha256");
      if (!FOLDER_NAME.matcher(folder).matches()) {
        throw new IllegalArgumentException("file entry folder must be lowercase letters, digits"
            + " and '-', got '" + folder + "'");
      }
      if (path.isEmpty() || path.startsWith("/") || path.contains("\\")
          || Arrays.stream(path.split("/", -1))
              .anyMatch(n -> n.isEmpty() || n.equals("..") || n.equals("."))) {
        throw new IllegalArgumentException("file entry path must be relative and stay inside its"
            + " folder, got '" + path + "'");
      }
    }

    public String entryName() {
      return entryName(folder, path);
    }

    static String entryName(String folder, String path) {
      return "folders/" + folder + "/" + path;
    }
  }

  public long fileBytes() {
    return files.stream().mapToLong(FileEntry::size).sum();
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
