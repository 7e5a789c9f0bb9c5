package dev.serval.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a misconfigured broker address looks like to the operator; needs no broker. */
class RabbitMqEventBusConnectTest {

  @Test
  void unreachableBrokerFailsWithTheUriWithoutPasswordAndWhatToCheck() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    URI uri = URI.create("amqp://serval:s3cret@127.0.0.1:" + closedPort + "/prod");

    assertThatThrownBy(() -> RabbitMqEventBus.connect(uri, settings()))
        .isInstanceOf(BusUnavailableException.class)
        .hasMessageContaining("amqp://serval@127.0.0.1:" + closedPort + "/prod")
        .hasMessageContaining("check that the broker is running")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void refusesUrisThatAreNotAmqp() {
    assertThatThrownBy(
            () -> RabbitMqEventBus.connect(URI.create("http://u:pw@127.0.0.1/"), settings()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("amqpUri")
        .hasMessageNotContaining("pw");
  }

  @Test
  void logsBrokerUrisWithoutPasswordOrQuery() {
    assertThat(RabbitMqEventBus.withoutPassword(
            URI.create("amqps://u:pw@broker.internal:5671/v?heartbeat=5")))
        .isEqualTo("amqps://u@broker.internal:5671/v");
    assertThat(RabbitMqEventBus.withoutPassword(URI.create("amqp://127.0.0.1")))
        .isEqualTo("amqp://127.0.0.1");
  }

  @Test
  void settingsRefuseNonsenseNamingTheSetting() {
    RabbitMqEventBus.Settings.Builder builder = RabbitMqEventBus.Settings.builder();

    assertThatThrownBy(() -> builder.maxPending(0)).hasMessageContaining("maxPending");
    assertThatThrownBy(() -> builder.retryInterval(Duration.ZERO))
        .hasMessageContaining("retryInterval");
    assertThatThrownBy(() -> builder.nodeId("a b")).hasMessageContaining("nodeId");
  }

  private static RabbitMqEventBus.Settings settings() {
    return RabbitMqEventBus.Settings.builder().connectTimeout(Duration.ofSeconds(2)).build();
  }
}
