package dev.serval.bench;

import static dev.serval.bench.ReportFormat.format;

import dev.serval.bench.tune.BestValues;
import java.nio.file.Path;
import java.util.List;

/**
 * What the tuning benchmark found: per function and sampler, the best value of each seed's study
 * and their median and quartiles.
 */
public record TuneReport(Environment environment, int seeds, int trials, List<BestValues> results)
    implements BenchmarkOutput {

  public TuneReport {
    results = List.copyOf(results);
  }

  public String toJson() {
    return ReportFormat.json(this);
  }

  @Override
  public void write(Path json, Path markdown) {
    ReportFormat.write(json, toJson(), markdown, toMarkdown());
  }

  @Override
  public String toMarkdown() {
    StringBuilder md = new StringBuilder(ReportFormat.environmentLine(environment));
    md.append(format("%d seeds x %d trials, best value found per seed%n%n", seeds, trials))
        .append("| function | sampler | optimum | median | q1 | q3 |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    for (BestValues r : results) {
      md.append(format("| %s | %s | %.6g | %.6g | %.6g | %.6g |%n", r.function(), r.sampler(),
          r.optimum(), r.median(), r.q1(), r.q3()));
    }
    return md.toString();
  }
}
