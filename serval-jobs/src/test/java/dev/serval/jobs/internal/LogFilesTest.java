package dev.serval.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {
  @TempDir Path dir;

  @Test
  void keepsTheNewestOutputWithinTheLimit() throws IOException {
    LogFiles files = LogFiles.of(dir, 1);
    try (LogWriter writer = new LogWriter(files, 1000)) {
      for (int i = 0; i < 500; i++) {
        writer.line(String.format("line %04d", i));
      }
    }
    String kept = new String(files.readAll(), StandardCharsets.UTF_8);

    assertThat(kept.length()).isLessThanOrEqualTo(1000);
    assertThat(kept).endsWith("line 0499\n").doesNotContain("line 0000");
    assertThat(kept.lines().count()).isGreaterThan(40);
  }

  @Test
  void followerSeesEveryLineAcrossRotations() throws IOException {
    LogFiles files = LogFiles.of(dir, 2);
    List<String> seen = new ArrayList<>();
    LogFollower follower = new LogFollower(files);
    try (LogWriter writer = new LogWriter(files, 200)) {
      for (int i = 0; i < 100; i++) {
        writer.line("line " + i);
        if (i % 3 == 0) {
          seen.addAll(follower.poll(false));
        }
      }
    }
    seen.addAll(follower.poll(true));

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add("line " + i);
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void followerHoldsBackAnUnfinishedLineUntilTheEnd() throws IOException {
    LogFiles files = LogFiles.of(dir, 3);
    java.nio.file.Files.writeString(files.current(), "done\npart");
    LogFollower follower = new LogFollower(files);

    assertThat(follower.poll(false)).containsExactly("done");
    assertThat(follower.poll(true)).containsExactly("part");
  }
}
