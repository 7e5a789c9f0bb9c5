package dev.serval.bench;

import java.nio.file.Path;

/** A finished benchmark's report, as files for tools and as Markdown for people. */
public interface BenchmarkOutput {
  /** Writes the JSON report to {@code json} and the Markdown one to {@code markdown}. */
  void write(Path json, Path markdown);

  String toMarkdown();
}
