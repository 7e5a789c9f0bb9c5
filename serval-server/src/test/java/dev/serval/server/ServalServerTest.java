package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.runtime.onnx.OnnxBackend;
import dev.serval.serving.ModelManager;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServalServerTest {
  @TempDir Path repository;

  @Test
  void rejectsBadBuilderArgumentsNamingThem() {
    ServalServer.Builder builder = ServalServer.builder();

    assertThatThrownBy(() -> builder.port(-1)).hasMessage("port must be within 0..65535 but was -1");
    assertThatThrownBy(() -> builder.port(65536)).hasMessageContaining("65536");
    assertThatThrownBy(() -> builder.host(" ")).hasMessage("host must not be blank but was ' '");
    assertThatThrownBy(() -> builder.maxRequestBytes(0))
        .hasMessageStartingWith("maxRequestBytes must be within 1..");
    assertThatThrownBy(() -> builder.requestTimeout(Duration.ofSeconds(-1)))
        .hasMessage("requestTimeout must not be negative but was PT-1S");
    assertThatThrownBy(() -> builder.gracefulShutdown(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("quietPeriod must be positive but was PT0S");
    assertThatThrownBy(
            () -> builder.gracefulShutdown(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("timeout must be at least quietPeriod PT2S but was PT1S");
  }

  @Test
  void needsAModelServiceAndARegistry() {
    assertThatThrownBy(() -> ServalServer.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("modelService must be set");
    try (ModelManager models = models()) {
      assertThatThrownBy(() -> ServalServer.builder().modelService(models).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("meterRegistry must be set");
    }
  }

  @Test
  void reportsTheBoundPortOnlyOnceStarted() {
    ServalServer server = server(0);
    assertThatThrownBy(server::port).hasMessage("the server has not been started");

    server.start();
    try {
      assertThat(server.port()).isPositive();
      assertThatThrownBy(server::start).hasMessage("the server was already started or closed");
    } finally {
      server.close();
    }
  }

  @Test
  void explainsWhyItCannotListen() {
    ServalServer first = server(0);
    first.start();
    try {
      ServalServer second = server(first.port());

      assertThatThrownBy(second::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("could not listen on 127.0.0.1:" + first.port() + ": ");
      second.close();
    } finally {
      first.close();
    }
  }

  @Test
  void closesTheModelServiceEvenWhenNeverStartedAndOnlyOnce() {
    ModelManager models = models();
    ServalServer server =
        ServalServer.builder()
            .modelService(models)
            .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .build();

    server.close();
    server.close();

    assertThat(models.isServerReady()).isFalse();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
  }

  private ServalServer server(int port) {
    return ServalServer.builder()
        .port(port)
        .modelService(models())
        .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .gracefulShutdown(Duration.ofMillis(10), Duration.ofSeconds(5))
        .build();
  }

  private ModelManager models() {
    return ModelManager.builder()
        .repository(repository)
        .backend(new OnnxBackend())
        .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .build()
        .start();
  }
}
