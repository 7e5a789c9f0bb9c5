package dev.serval.async;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes answers to RabbitMQ queues through the default exchange, as mandatory messages with
 * publisher confirms, so that a queue that does not exist is reported rather than the answer
 * silently dropped. Each answer gets a channel of its own (channels are not shared between
 * threads, and answers are few compared with inference requests).
 */
public final class RabbitMqReplyPublisher implements ReplyPublisher {
  private static final int PERSISTENT = 2;
  private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  private final Connection connection;
  private final String brokerName;

  private RabbitMqReplyPublisher(Connection connection, String brokerName) {
    this.connection = connection;
    this.brokerName = brokerName;
  }

  /**
   * @param amqpUri such as {@code amqp://user:password@host:5672/vhost}
   * @throws InvalidInputException when the URI is not an AMQP URI
   * @throws IllegalStateException when the broker cannot be reached
   */
  public static RabbitMqReplyPublisher connect(URI amqpUri) {
    String brokerName = amqpUri.getHost() + ":" + amqpUri.getPort();
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(amqpUri);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidInputException("amqpUri must be amqp://[user[:password]@]host[:port][/vhost]"
          + " or amqps://... but was for host " + brokerName, e);
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
    try {
      return new RabbitMqReplyPublisher(factory.newConnection("serval-async-replies"),
          brokerName);
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("cannot connect to RabbitMQ at " + brokerName + " for"
          + " reply queues: " + e.getMessage() + "; check that the broker is running", e);
    }
  }

  @Override
  public void publish(
      String queue, String requestId, Response answer, Map<String, String> headers) {
    try (Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      AtomicBoolean unroutable = new AtomicBoolean();
      // The broker returns a mandatory message no queue takes before it confirms it.
      channel.addReturnListener(returned -> unroutable.set(true));
      Map<String, Object> all = new HashMap<>(answer.headers());
      all.putAll(headers);
      AMQP.BasicProperties properties =
          new AMQP.BasicProperties.Builder()
              .contentType(answer.contentType())
              .deliveryMode(PERSISTENT)
              .correlationId(requestId)
              .headers(all)
              .build();
      channel.basicPublish("", queue, true, properties, answer.body());
      channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
      if (unroutable.get()) {
        throw new IllegalStateException("RabbitMQ at " + brokerName + " has no queue '" + queue
            + "'; declare it before submitting requests that reply to it");
      }
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("cannot publish to queue '" + queue + "' on RabbitMQ at "
          + brokerName + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to queue '" + queue + "'", e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (IOException e) {
      // closing: nothing more to do with a connection that is already broken
    }
  }
}
