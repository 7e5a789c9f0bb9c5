package dev.serval.server.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TracingTest {
  @Test
  void sendsTracesToTheCollectorsTracesPath() {
    assertThat(Tracing.tracesUrl("http://collector:4318"))
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(Tracing.tracesUrl("https://c/otlp/")).isEqualTo("https://c/otlp/v1/traces");
    assertThat(Tracing.tracesUrl("http://c:4318/v1/traces")).isEqualTo("http://c:4318/v1/traces");
    assertThatThrownBy(() -> Tracing.tracesUrl("collector:4318"))
        .hasMessage("endpoint must be an http or https URL such as http://127.0.0.1:4318 but was"
            + " 'collector:4318'");
    assertThatThrownBy(() -> Tracing.tracesUrl("ftp://c/"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
