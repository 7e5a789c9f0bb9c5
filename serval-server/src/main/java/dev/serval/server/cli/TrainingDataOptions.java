package dev.serval.server.cli;

import dev.serval.core.InvalidInputException;
import dev.serval.train.data.CsvReader;
import dev.serval.train.data.Dataset;
import dev.serval.train.data.Datasets;
import dev.serval.train.data.NpyReader;
import dev.serval.train.data.Task;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where a built-in trainer's rows come from: the bundled digits, a CSV file or .npy files. */
final class TrainingDataOptions {
  static final String DIGITS = "digits";

  @Option(names = "--data", paramLabel = "DATA", description = "digits (bundled), FILE.csv[.gz]"
      + " or FEATURES.npy,LABELS.npy; for a job, a path the worker can read.")
  String data;

  @Option(names = "--label", paramLabel = "COLUMN",
      description = "The CSV label column, by header name or index (default: the last).")
  String label;

  boolean given() {
    return data != null || label != null;
  }

  private String data() {
    if (data == null) {
      throw new UsageException("give --data digits|FILE.csv|FEATURES.npy,LABELS.npy");
    }
    return data;
  }

  /** The rows, for a classifier or a regressor. */
  Dataset read(Task task) {
    String source = data();
    try {
      if (source.equals(DIGITS)) {
        return Datasets.digits();
      }
      String[] npy = source.split(",");
      if (npy.length == 2) {
        return NpyReader.dataset(Path.of(npy[0].trim()), Path.of(npy[1].trim()), task);
      }
      CsvReader.Builder csv = CsvReader.builder().task(task);
      if (label != null) {
        if (label.matches("-?\\d+")) {
          csv.labelColumn(Integer.parseInt(label));
        } else {
          csv.labelColumn(label);
        }
      }
      return csv.build().read(Path.of(source));
    } catch (InvalidInputException | UncheckedIOException e) {
      throw new UsageException("cannot read --data " + source + ": " + e.getMessage());
    }
  }

  /** These options as a job's trainer reads them: files by absolute path. */
  List<String> jobArguments() {
    String source = data();
    List<String> arguments = new ArrayList<>(List.of("--data"));
    if (source.equals(DIGITS)) {
      arguments.add(source);
    } else {
      List<String> files = new ArrayList<>();
      for (String part : source.split(",")) {
        files.add(Path.of(part.trim()).toAbsolutePath().normalize().toString());
      }
      arguments.add(String.join(",", files));
    }
    if (label != null) {
      arguments.addAll(List.of("--label", label));
    }
    return arguments;
  }
}
