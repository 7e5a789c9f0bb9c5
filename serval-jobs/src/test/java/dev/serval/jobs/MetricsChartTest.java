package dev.serval.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsChartTest {
  private static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void trainingCurvesGiveTheGoldenChart() throws IOException {
    List<MetricPoint> points = new ArrayList<>();
    for (int epoch = 1; epoch <= 12; epoch++) {
      points.add(point("val_accuracy", epoch, 0.9 + 0.08 * (1 - Math.exp(-epoch / 3.0))));
      points.add(point("loss", epoch, 2.3 * Math.exp(-epoch / 4.0)));
    }
    points.add(point("test_accuracy", 0, 0.97));

    String svg = MetricsChart.svg("Job 4f2a <digits & co>, attempt 1", points);

    assertThat(svg).isEqualTo(golden("metrics-chart.svg"));
  }

  @Test
  void sameMetricsInAnyOrderGiveTheSameBytes() {
    List<MetricPoint> points = List.of(point("b", 2, 1), point("a", 1, 3), point("b", 1, 2),
        point("a", 2, 4));
    List<MetricPoint> shuffled = List.of(points.get(3), points.get(1), points.get(2),
        points.get(0));

    assertThat(MetricsChart.svg("t", shuffled)).isEqualTo(MetricsChart.svg("t", points));
  }

  @Test
  void escapesTitlesAndNamesForXml() {
    String svg = MetricsChart.svg("a<b & \"c\" 'd'", List.of(point("x<y", 1, 1)));

    assertThat(svg).contains("<title>a&lt;b &amp; &quot;c&quot; &#39;d&#39;</title>",
        ">x&lt;y  last 1 at step 1</text>").doesNotContain("x<y");
  }

  @Test
  void leavesOutValuesThatAreNotFiniteAndSaysHowMany() {
    String svg = MetricsChart.svg("t", List.of(point("loss", 1, 1), point("loss", 2, Double.NaN),
        point("loss", 3, Double.POSITIVE_INFINITY), point("loss", 4, 0.5)));

    assertThat(svg).contains("loss  last 0.5 at step 4  (2 non-finite values left out)")
        .doesNotContain("NaN", "Infinity");
    assertThat(countOf(svg, "<circle ")).isEqualTo(2);
  }

  @Test
  void singlePointAndConstantSeriesStillHaveAxes() {
    String svg = MetricsChart.svg("t", List.of(point("single", 5, 0.25), point("flat", 1, 2),
        point("flat", 2, 2), point("flat", 3, 2)));

    assertThat(countOf(svg, "<polyline ")).isEqualTo(2);
    assertThat(countOf(svg, "<circle ")).isEqualTo(4);
    assertThat(svg).contains(">single  last 0.25 at step 5</text>",
        ">flat  last 2 at step 3</text>",
        "text-anchor=\"middle\">5</text>", "text-anchor=\"end\" dy=\"0.32em\">2.0</text>");
  }

  @Test
  void metricWithOnlyNonFiniteValuesAndNoMetricsAtAllSaySo() {
    assertThat(MetricsChart.svg("t", List.of(point("loss", 1, Double.NaN))))
        .contains("no finite values").doesNotContain("<polyline");
    assertThat(MetricsChart.svg("t", List.of()))
        .contains("No metrics yet: a job reports them by printing lines"
            + " &quot;serval.metric NAME VALUE [STEP]&quot;.");
  }

  @Test
  void numbersKeepSixSignificantDigitsWithoutTrailingZeros() {
    assertThat(MetricsChart.number(0.008353847628445345)).isEqualTo("0.00835385");
    assertThat(MetricsChart.number(2)).isEqualTo("2");
    assertThat(MetricsChart.number(-0.5)).isEqualTo("-0.5");
    assertThat(MetricsChart.number(1.5e-7)).isEqualTo("1.5e-07");
    assertThat(MetricsChart.number(123456789)).isEqualTo("1.23457e+08");
  }

  private static MetricPoint point(String name, long step, double value) {
    return new MetricPoint(name, step, value, TIME);
  }

  private static int countOf(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = MetricsChartTest.class.getResourceAsStream(name)) {
      assertThat(in).as("golden file " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
