package dev.serval.jobs;

import dev.serval.jobs.internal.LogFiles;
import dev.serval.jobs.internal.LogFollower;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The kept log of one attempt: read whole, or followed line by line while it grows. */
public final class LogView {
  private final LogFiles files;

  LogView(LogFiles files) {
    this.files = files;
  }

  /** The whole kept log (its newest part when it outgrew the limit). */
  public byte[] readAll() {
    try {
      return files.readAll();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the job log " + files.current(), e);
    }
  }

  /** A reader of the lines added since its last call, starting from the beginning. */
  public Follower follow() {
    LogFollower follower = new LogFollower(files);
    return all -> {
      try {
        return follower.poll(all);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the job log " + files.current(), e);
      }
    };
  }

  /** Lines added since the last call. */
  @FunctionalInterface
  public interface Follower {
    /** @param all also an unterminated last line, once the attempt is over */
    List<String> poll(boolean all);
  }
}
