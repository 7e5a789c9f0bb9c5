package dev.serval.server.cli;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.backup.BackupSummary;
import dev.serval.registry.backup.RegistryBackup;
import dev.serval.server.ServalServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code serval backup}: everything the server keeps in its database and data folder into one
 * verifiable zip file.
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Back up everything users created into one zip file with a SHA-256 checksum for every"
          + " entry: models, versions, aliases, tags and artifacts; API keys and the audit log;"
          + " jobs with their metrics, logs and outputs; asynchronous requests; studies and"
          + " their trials; compression reports. Restore it with ./serval restore.",
      "With the embedded database, stop the server first."
    })
final class BackupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--output", required = true, paramLabel = "FILE", description = "Zip to write.")
  Path output;

  @Option(names = "--overwrite", description = "Replace FILE if it exists.")
  boolean overwrite;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() {
    Path data = registry.dataDir(RegistryOptions.DEFAULT_DATA);
    if (registry.db == null && !Files.isDirectory(data)) {
      throw new UsageException(
          "--data " + data + " does not exist; there is no registry to back up");
    }
    Path folder = output.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      throw new UsageException("--output folder " + folder + " does not exist");
    }
    if (!overwrite && Files.exists(output)) {
      throw new UsageException("--output " + output + " exists; add --overwrite to replace it");
    }
    PrintWriter err = spec.commandLine().getErr();
    BackupSummary summary;
    try (ModelRegistry opened = registry.open(data)) {
      summary = backups(data)
          .servalVersion(ServalServer.version())
          .overwrite(overwrite)
          .build()
          .write(opened, output, new ProgressPrinter(err));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Backed up " + ProgressPrinter.describe(summary) + " to " + output + ".");
    out.flush();
    return 0;
  }

  /** Backups of a data folder: the database, artifacts, and the folder of job logs. */
  static RegistryBackup.Builder backups(Path data) {
    return RegistryBackup.builder().folder("jobs", JobSystem.jobsDir(data));
  }
}
