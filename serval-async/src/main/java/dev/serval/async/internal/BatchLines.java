package dev.serval.async.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The requests of a JSON Lines file: one per line; blank lines are skipped. */
public final class BatchLines {
  private BatchLines() {}

  public static List<byte[]> split(byte[] body) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
        if (!isBlank(body, start, end)) {
          lines.add(Arrays.copyOfRange(body, start, end));
        }
        start = i + 1;
      }
    }
    return lines;
  }

  private static boolean isBlank(byte[] body, int start, int end) {
    for (int i = start; i < end; i++) {
      if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r') {
        return false;
      }
    }
    return true;
  }
}
