package dev.serval.serving.internal;

import dev.serval.core.ModelLoadException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.runtime.ModelBackend;
import dev.serval.serving.ModelConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Triton-style model repository on disk: {@code DIR/<model>/<version>/<artifact>} with an
 * optional {@code DIR/<model>/config.json}. Versions are folders named by a positive integer
 * without leading zeros; other folders are ignored and named in the report when no version is
 * found. Hidden entries (starting with '.') are ignored.
 */
public final class ModelRepository {
  public static final String CONFIG_FILE = "config.json";

  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");

  private final Path root;
  private final String rootPrefix;
  private final List<ModelBackend> backends;

  /**
   * @throws IllegalArgumentException when {@code root} is not a readable directory
   */
  public ModelRepository(Path root, List<ModelBackend> backends) {
    Objects.requireNonNull(root, "root");
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(
          "model repository " + root.toAbsolutePath() + " does not exist or is not a directory");
    }
    this.root = root.toAbsolutePath().normalize();
    String location = this.root.toString();
    this.rootPrefix = location.endsWith(File.separator) ? location : location + File.separator;
    this.backends = List.copyOf(backends);
  }

  public Path root() {
    return root;
  }

  /**
   * The message with this repository's location cut from the paths in it (e.g. {@code
   * text/1/model.onnx}): still precise for the operator, but it does not tell clients where the
   * server keeps its files. This class's own messages are already so.
   */
  public String relativePaths(String message) {
    return message.replace(rootPrefix, "");
  }

  /** Names of the model folders, sorted. */
  public List<String> modelNames() {
    try (Stream<Path> children = Files.list(root)) {
      return children
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith("."))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      // The exception's text is an absolute path; the cause keeps it for the log.
      throw new ModelLoadException(
          "cannot list the model repository (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** Whether the repository has a folder for this model. */
  public boolean contains(String model) {
    try {
      modelDir(model);
      return true;
    } catch (ModelNotFoundException e) {
      return false;
    }
  }

  /**
   * Reads one model folder: its config and version folders. Problems with the config or with the
   * versions are reported in the result, not thrown.
   *
   * @throws ModelNotFoundException when the repository has no folder of that name
   */
  public ModelFolder scan(String model) {
    Path dir = modelDir(model);
    ModelConfig config;
    try {
      Path configFile = dir.resolve(CONFIG_FILE);
      config = Files.exists(configFile) ? ModelConfig.read(configFile) : ModelConfig.defaults();
    } catch (ModelLoadException e) {
      return new ModelFolder(model, null, List.of(), relativePaths(e.getMessage()));
    }
    List<VersionFolder> versions = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (Path child : children(dir)) {
      String name = child.getFileName().toString();
      if (VERSION.matcher(name).matches()) {
        versions.add(versionFolder(Long.parseLong(name), child));
      } else if (!name.startsWith(".")) {
        ignored.add(name);
      }
    }
    if (versions.isEmpty()) {
      String problem =
          "no version folder (named by a positive integer, e.g. "
              + relative(dir.resolve("1"))
              + ") in model folder "
              + model
              + (ignored.isEmpty() ? "" : "; ignored folders " + ignored);
      return new ModelFolder(model, config, List.of(), problem);
    }
    versions.sort((a, b) -> Long.compare(a.version(), b.version()));
    return new ModelFolder(model, config, versions, null);
  }

  private Path modelDir(String model) {
    Path dir = root.resolve(model).normalize();
    boolean plainName = !model.isEmpty() && !model.startsWith(".") && root.equals(dir.getParent());
    if (!plainName || !Files.isDirectory(dir)) {
      throw new ModelNotFoundException("model '" + model + "' is not in the model repository");
    }
    return dir;
  }

  private VersionFolder versionFolder(long version, Path dir) {
    for (ModelBackend backend : backends) {
      Path artifact = dir.resolve(backend.artifactFileName());
      if (Files.isRegularFile(artifact)) {
        return new VersionFolder(version, artifact, backend, null);
      }
    }
    List<String> expected = backends.stream().map(ModelBackend::artifactFileName).toList();
    String problem =
        "no model artifact in "
            + relative(dir)
            + "; expected "
            + (expected.size() == 1 ? expected.get(0) : "one of " + expected);
    return new VersionFolder(version, null, null, problem);
  }

  private List<Path> children(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new ModelLoadException(
          "cannot list " + relative(dir) + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private String relative(Path inside) {
    return root.relativize(inside).toString();
  }

  /**
   * One model folder as found on disk.
   *
   * @param name model name (the folder name)
   * @param config its config, or null when the config is invalid
   * @param versions version folders, ascending
   * @param problem why the model cannot be loaded at all, or null
   */
  public record ModelFolder(
      String name, ModelConfig config, List<VersionFolder> versions, String problem) {
    public ModelFolder {
      versions = List.copyOf(versions);
    }
  }

  /**
   * One version folder.
   *
   * @param version the version number
   * @param artifact the model file, or null when missing
   * @param backend the backend that loads it, or null when the artifact is missing
   * @param problem why it cannot be loaded, or null
   */
  public record VersionFolder(long version, Path artifact, ModelBackend backend, String problem) {}
}
