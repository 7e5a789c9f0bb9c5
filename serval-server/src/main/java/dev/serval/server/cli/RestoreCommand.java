package dev.serval.server.cli;

import dev.serval.registry.ModelRegistry;
import dev.serval.registry.backup.BackupSummary;
import dev.serval.server.FeatureTables;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code serval restore}: a backup zip into an empty data folder or database, after checking
 * every checksum.
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a backup made with ./serval backup into an empty data folder (or empty --db"
          + " schema): creates every feature's tables, checks every table, artifact and file"
          + " against its SHA-256 (on any mismatch nothing is restored), then puts them back.",
      "With the embedded database, stop the server first."
    })
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The backup zip.")
  Path archive;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(archive)) {
      throw new UsageException("FILE " + archive + " does not exist or is not a file");
    }
    Path data = registry.dataDir(RegistryOptions.DEFAULT_DATA);
    BackupSummary summary;
    try (ModelRegistry opened = registry.open(data)) {
      // The archive holds every feature's rows: each feature's tables must exist first.
      FeatureTables.migrate(opened);
      summary = BackupCommand.backups(data).build()
          .restore(archive, opened, new ProgressPrinter(spec.commandLine().getErr()));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Restored " + ProgressPrinter.describe(summary) + " from " + archive + ".");
    out.flush();
    return 0;
  }
}
