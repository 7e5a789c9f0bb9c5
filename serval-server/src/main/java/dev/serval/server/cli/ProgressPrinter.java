package dev.serval.server.cli;

import dev.serval.registry.backup.BackupSummary;
import dev.serval.registry.backup.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints backup and restore progress as one line per table or artifact, for stderr. */
final class ProgressPrinter implements ProgressListener {
  private final PrintWriter err;

  ProgressPrinter(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void table(Step step, String table, long rows) {
    print(step, "table " + table + ": " + rows + (rows == 1 ? " row" : " rows"));
  }

  @Override
  public void artifact(Step step, int done, int total, long bytes) {
    print(step, "artifact " + done + "/" + total + " (" + Table.bytes(bytes) + ")");
  }

  @Override
  public void folder(Step step, String folder, int files, long bytes) {
    print(step, "folder " + folder + ": " + files + (files == 1 ? " file" : " files") + " ("
        + Table.bytes(bytes) + ")");
  }

  /** E.g. "6 tables (14 rows), 4 artifacts (1.2 MB) and 3 files (20 kB)". */
  static String describe(BackupSummary summary) {
    return summary.tables() + " tables (" + summary.rows() + " rows), " + summary.artifacts()
        + " artifacts (" + Table.bytes(summary.artifactBytes()) + ") and " + summary.files()
        + " files (" + Table.bytes(summary.fileBytes()) + ")";
  }

  private void print(Step step, String what) {
    err.println(step.name().toLowerCase(Locale.ROOT) + ": " + what);
    err.flush();
  }
}
