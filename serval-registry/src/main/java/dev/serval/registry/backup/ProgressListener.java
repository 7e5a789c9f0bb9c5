package dev.serval.registry.backup;

/** Hears how far a backup or restore has come, e.g. to print progress lines. */
public interface ProgressListener {
  /** Ignores all progress. */
  ProgressListener NONE =
      new ProgressListener() {
        @Override
        public void table(Step step, String table, long rows) {}

        @Override
        public void artifact(Step step, int done, int total, long bytes) {}

        @Override
        public void folder(Step step, String folder, int files, long bytes) {}
      };

  /** What is being done to the tables and artifacts. */
  enum Step {
    /** Copying into the archive. */
    BACKUP,
    /** Checking the archive's checksums before anything is restored. */
    VERIFY,
    /** Inserting the verified rows into the target database. */
    RESTORE
  }

  /** One table's {@code rows} were written, checked or inserted. */
  void table(Step step, String table, long rows);

  /** {@code done} of {@code total} artifacts are through, {@code bytes} long together. */
  void artifact(Step step, int done, int total, long bytes);

  /** The {@code files} of one folder (e.g. job logs), {@code bytes} long together, are through. */
  void folder(Step step, String folder, int files, long bytes);
}
