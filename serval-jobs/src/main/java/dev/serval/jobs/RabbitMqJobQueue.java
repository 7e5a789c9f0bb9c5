package dev.serval.jobs;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs on RabbitMQ for many workers: a durable queue of persistent messages, each published with
 * a broker confirm, so that nothing is lost when the broker restarts. A worker takes at most as
 * many messages as it has slots and acknowledges one only when the handler returns, that is when
 * the database says the job finished (or was not to be run); a worker that dies mid-job has its
 * messages redelivered to another worker. The connection recovers automatically.
 */
public final class RabbitMqJobQueue implements JobQueue {
  public static final String DEFAULT_QUEUE = "serval.jobs";

  private static final Logger log = LoggerFactory.getLogger(RabbitMqJobQueue.class);
  private static final AMQP.BasicProperties PERSISTENT =
      new AMQP.BasicProperties.Builder().contentType("text/plain").deliveryMode(2).build();
  private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;
  private static final long DRAIN_SECONDS = 60;

  private final Connection connection;
  private final String queue;
  private final String brokerName;
  private Channel publish;

  private RabbitMqJobQueue(Connection connection, String queue, String brokerName,
      Channel publish) {
    this.connection = connection;
    this.queue = queue;
    this.brokerName = brokerName;
    this.publish = publish;
  }

  /**
   * Connects and declares the durable queue {@code queue}.
   *
   * @param amqpUri such as {@code amqp://guest:guest@localhost:5672}
   * @throws QueueUnavailableException when the broker cannot be reached
   */
  public static RabbitMqJobQueue connect(URI amqpUri, String queue) {
    if (queue == null || queue.isBlank()) {
      throw new InvalidInputException("queue name must not be blank");
    }
    String brokerName = amqpUri.getHost() + ":" + amqpUri.getPort();
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(amqpUri);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidInputException("not an AMQP URI: " + brokerName + " (" + e.getMessage()
          + ")", e);
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    try {
      Connection connection = factory.newConnection("serval-jobs");
      Channel channel = connection.createChannel();
      channel.queueDeclare(queue, true, false, false, null);
      channel.confirmSelect();
      return new RabbitMqJobQueue(connection, queue, brokerName, channel);
    } catch (IOException | TimeoutException e) {
      throw new QueueUnavailableException("cannot connect to the job broker at " + brokerName
          + ": " + e.getMessage() + "; is RabbitMQ running?", e);
    }
  }

  @Override
  public synchronized void offer(String jobId) {
    try {
      if (!publish.isOpen()) {
        publish = connection.createChannel();
        publish.confirmSelect();
      }
      publish.basicPublish("", queue, PERSISTENT, jobId.getBytes(StandardCharsets.UTF_8));
      publish.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
    } catch (IOException | TimeoutException | InterruptedException
        | com.rabbitmq.client.AlreadyClosedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new QueueUnavailableException("the job broker at " + brokerName
          + " did not confirm job " + jobId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Consumption consume(int slots, Handler handler) {
    ExecutorService runners = Executors.newFixedThreadPool(slots, r -> {
      Thread thread = new Thread(r, "serval-job-slot");
      thread.setDaemon(true);
      return thread;
    });
    try {
      Channel channel = connection.createChannel();
      channel.basicQos(slots);
      String tag = channel.basicConsume(queue, false,
          (consumerTag, delivery) -> runners.execute(() -> handle(channel, delivery, handler)),
          consumerTag -> { });
      return () -> stop(channel, tag, runners);
    } catch (IOException e) {
      runners.shutdownNow();
      throw new QueueUnavailableException("cannot consume jobs from " + brokerName + ": "
          + e.getMessage(), e);
    }
  }

  private void handle(Channel channel, Delivery delivery, Handler handler) {
    String jobId = new String(delivery.getBody(), StandardCharsets.UTF_8);
    long tag = delivery.getEnvelope().getDeliveryTag();
    boolean handled = false;
    try {
      handler.handle(jobId, delivery.getEnvelope().isRedeliver());
      handled = true;
    } catch (RuntimeException e) {
      log.warn("job {} could not be handled and goes back to the queue: {}", jobId,
          e.getMessage());
    } finally {
      settle(channel, tag, handled);
    }
  }

  /** Acks (or returns to the queue) on the channel that delivered it; channels are not shared. */
  private static void settle(Channel channel, long tag, boolean handled) {
    try {
      synchronized (channel) {
        if (handled) {
          channel.basicAck(tag, false);
        } else {
          channel.basicNack(tag, false, true);
        }
      }
    } catch (IOException | com.rabbitmq.client.AlreadyClosedException e) {
      // The channel closed: the broker redelivers the message, and the job's state decides.
      log.info("could not settle a job message ({}); it will be redelivered", e.getMessage());
    }
  }

  private static void stop(Channel channel, String tag, ExecutorService runners) {
    try {
      channel.basicCancel(tag);
    } catch (IOException | com.rabbitmq.client.AlreadyClosedException e) {
      // Already gone with the connection.
    }
    runners.shutdown();
    try {
      runners.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
      channel.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
      // Unacknowledged messages are redelivered when the channel goes.
    }
  }

  /** The number of messages waiting in the queue (not counting those being worked on). */
  public long waiting() {
    try (Channel channel = connection.createChannel()) {
      return channel.messageCount(queue);
    } catch (IOException | TimeoutException e) {
      throw new QueueUnavailableException("cannot read the queue at " + brokerName, e);
    }
  }

  /** Deletes the queue with its messages (for tests and tear-down of a test broker). */
  public void delete() {
    try (Channel channel = connection.createChannel()) {
      channel.queueDelete(queue);
    } catch (IOException | TimeoutException e) {
      throw new QueueUnavailableException("cannot delete queue " + queue + " at " + brokerName, e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (IOException | com.rabbitmq.client.AlreadyClosedException e) {
      log.debug("closing the job broker connection: {}", e.getMessage());
    }
  }
}
