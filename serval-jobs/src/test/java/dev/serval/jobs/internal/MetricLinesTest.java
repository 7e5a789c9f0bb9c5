package dev.serval.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.jobs.MetricPoint;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricLinesTest {
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private final MetricLines lines = new MetricLines();

  private MetricPoint metric(String line) {
    return ((MetricLines.Metric) lines.outputLine(line, NOW).orElseThrow()).point();
  }

  private String problem(String line) {
    return ((MetricLines.Malformed) lines.outputLine(line, NOW).orElseThrow()).problem();
  }

  @Test
  void parsesNameValueAndStep() {
    assertThat(metric("serval.metric loss 0.25 3")).isEqualTo(new MetricPoint("loss", 3, 0.25,
        NOW));
  }

  @Test
  void numbersStepsOnWhenTheyAreLeftOut() {
    assertThat(metric("serval.metric acc 0.5 7").step()).isEqualTo(7);
    assertThat(metric("  serval.metric acc 0.6").step()).isEqualTo(8);
    assertThat(metric("serval.metric loss 1e-3").step()).isZero();
  }

  @Test
  void ignoresOtherOutput() {
    assertThat(lines.outputLine("epoch 1 done", NOW)).isEmpty();
  }

  @Test
  void explainsMalformedLines() {
    assertThat(problem("serval.metric loss")).contains("expected NAME VALUE [STEP]");
    assertThat(problem("serval.metric loss abc")).contains("value is not a number");
    assertThat(problem("serval.metric loss NaN")).contains("must be finite");
    assertThat(problem("serval.metric loss 1 -2")).contains("step must be an integer >= 0");
    assertThat(problem("serval.metric lo$s 1")).contains("metric name must be");
  }

  @Test
  void fileLinesMayOmitThePrefixAndHaveComments() {
    assertThat(lines.fileLine("# header", NOW)).isEmpty();
    assertThat(lines.fileLine("", NOW)).isEmpty();
    assertThat(lines.fileLine("f1 0.9 2", NOW)).get()
        .isEqualTo(new MetricLines.Metric(new MetricPoint("f1", 2, 0.9, NOW)));
  }
}
