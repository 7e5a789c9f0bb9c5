package dev.serval.jobs.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the lines an attempt's log gains between calls, across the writer's rotations: when the
 * current file is a new one, the rest of the file it followed is read from {@code .1} first.
 * Output rotated away twice between two calls is skipped, as the log keeps only its tail.
 */
public final class LogFollower {
  private final LogFiles files;
  private Object followed;
  private long offset;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  public LogFollower(LogFiles files) {
    this.files = files;
  }

  /** Complete lines written since the last call; with {@code all}, a final unterminated one too. */
  public List<String> poll(boolean all) throws IOException {
    Object current = LogFiles.key(files.current());
    if (current != null && !current.equals(followed)) {
      if (followed == null) {
        partial.write(LogFiles.readFrom(files.previous(), 0));
      } else if (followed.equals(LogFiles.key(files.previous()))) {
        partial.write(LogFiles.readFrom(files.previous(), offset));
      }
      followed = current;
      offset = 0;
    }
    if (current != null) {
      byte[] fresh = LogFiles.readFrom(files.current(), offset);
      offset += fresh.length;
      partial.write(fresh);
    }
    return lines(all);
  }

  private List<String> lines(boolean all) {
    String text = partial.toString(StandardCharsets.UTF_8);
    int end = all ? text.length() : text.lastIndexOf('\n') + 1;
    List<String> lines = new ArrayList<>();
    if (end > 0) {
      String complete = text.substring(0, end);
      for (String line : complete.split("\n", -1)) {
        lines.add(line);
      }
      if (complete.endsWith("\n")) {
        lines.remove(lines.size() - 1);
      }
      byte[] rest = text.substring(end).getBytes(StandardCharsets.UTF_8);
      partial.reset();
      partial.write(rest, 0, rest.length);
    }
    return lines;
  }
}
