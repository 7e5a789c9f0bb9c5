package dev.serval.bus;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.serval.bus.internal.Listeners;
import dev.serval.bus.internal.NodeIds;
import dev.serval.bus.internal.RetryingPublisher;
import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus of a multi-node installation: a durable fanout exchange {@value #EXCHANGE} on RabbitMQ,
 * to which each node binds an exclusive, auto-delete, server-named queue of its own, so every node
 * (the publisher included) receives every event. Messages are persistent JSON ({@link EventJson})
 * confirmed by the broker.
 *
 * <p>Publishing never blocks or throws for broker trouble: a background thread sends the events
 * and, while the broker is unreachable, keeps up to {@link Settings.Builder#maxPending} of them
 * and retries in order; beyond that they are dropped, logged and counted ({@link
 * #droppedEvents()}). Delivery is therefore at least once while buffered (a retry after a lost
 * confirm may duplicate) and may miss events published by other nodes while this node's
 * connection is down: the client recovers the connection, queue and consumer automatically, but
 * a node should re-read the registry after a reconnect rather than trust it saw everything.
 */
public final class RabbitMqEventBus implements EventBus {
  /** The exchange all nodes publish to. */
  public static final String EXCHANGE = "serval.events";

  private static final Logger log = LoggerFactory.getLogger(RabbitMqEventBus.class);
  private static final AMQP.BasicProperties PERSISTENT_JSON =
      new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
  private static final long CONFIRM_TIMEOUT_MILLIS = 5_000;

  private final String nodeId;
  private final String brokerName;
  private final Connection connection;
  private final Duration flushTimeout;
  private final Listeners listeners = new Listeners();
  private final RetryingPublisher publisher;
  // Used by the publisher thread only: channels must not be shared between publishing threads.
  private Channel publishChannel;
  private volatile boolean closed;

  private RabbitMqEventBus(
      Settings settings, String brokerName, Connection connection, Channel publishChannel) {
    this.nodeId = settings.nodeId;
    this.brokerName = brokerName;
    this.connection = connection;
    this.flushTimeout = settings.flushTimeout;
    this.publishChannel = publishChannel;
    this.publisher = new RetryingPublisher(
        "serval-events-publisher", settings.maxPending, settings.retryInterval, this::send);
  }

  /** Connects with the default {@link Settings}. */
  public static RabbitMqEventBus connect(URI amqpUri) {
    return connect(amqpUri, Settings.builder().build());
  }

  /**
   * Connects, declares the exchange and this node's queue, and starts consuming.
   *
   * @param amqpUri such as {@code amqp://user:password@host:5672/vhost}
   * @throws InvalidInputException when the URI is not an AMQP URI
   * @throws BusUnavailableException when the broker cannot be reached or refuses the login
   */
  public static RabbitMqEventBus connect(URI amqpUri, Settings settings) {
    Objects.requireNonNull(amqpUri, "amqpUri");
    Objects.requireNonNull(settings, "settings");
    String brokerName = withoutPassword(amqpUri);
    Connection connection = open(factory(amqpUri, brokerName, settings), brokerName, settings);
    RabbitMqEventBus bus = null;
    try {
      bus = new RabbitMqEventBus(settings, brokerName, connection, confirmingChannel(connection));
      bus.startConsuming();
      return bus;
    } catch (IOException | RuntimeException e) {
      if (bus != null) {
        bus.close();
      } else {
        abort(connection);
      }
      throw new BusUnavailableException(
          "connected to RabbitMQ at " + brokerName + " but cannot declare exchange '" + EXCHANGE
              + "' and a queue: " + rootCause(e)
              + "; check the user's permissions on the virtual host",
          e);
    }
  }

  private static ConnectionFactory factory(URI uri, String brokerName, Settings settings) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidInputException(
          "amqpUri must be amqp://[user[:password]@]host[:port][/vhost] or amqps://...: "
              + brokerName, e);
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(settings.retryInterval.toMillis());
    factory.setConnectionTimeout(Math.toIntExact(settings.connectTimeout.toMillis()));
    return factory;
  }

  private static Connection open(ConnectionFactory factory, String brokerName, Settings settings) {
    try {
      Connection connection = factory.newConnection("serval-" + settings.nodeId);
      ((Recoverable) connection).addRecoveryListener(new RecoveryLogger(brokerName));
      return connection;
    } catch (IOException | TimeoutException e) {
      throw new BusUnavailableException(
          "cannot connect to RabbitMQ at " + brokerName + ": " + rootCause(e)
              + "; check that the broker is running and reachable at that host and port, and"
              + " that the user, password and virtual host are right",
          e);
    }
  }

  private void startConsuming() throws IOException {
    Channel channel = connection.createChannel();
    channel.exchangeDeclare(EXCHANGE, BuiltinExchangeType.FANOUT, true);
    // Server-named, exclusive, auto-delete: it lives as long as this node's connection.
    String queue = channel.queueDeclare().getQueue();
    channel.queueBind(queue, EXCHANGE, "");
    channel.basicConsume(queue, true, (tag, delivery) -> receive(delivery), tag -> {});
  }

  private void receive(Delivery delivery) {
    Event event;
    try {
      event = EventJson.decode(delivery.getBody());
    } catch (InvalidInputException e) {
      log.warn("ignoring a message on exchange '{}' that is not an event: {}", EXCHANGE,
          e.getMessage());
      return;
    }
    listeners.deliver(event);
  }

  @Override
  public void publish(Event event) {
    Objects.requireNonNull(event, "event");
    if (closed) {
      log.debug("bus closed, dropping {} of '{}'", event.type(), event.model());
      return;
    }
    publisher.offer(event);
  }

  private void send(Event event) throws IOException, InterruptedException, TimeoutException {
    if (!publishChannel.isOpen() && connection.isOpen()) {
      // Closed by a channel error; recovery only reopens channels after a connection loss.
      publishChannel = confirmingChannel(connection);
    }
    publishChannel.basicPublish(EXCHANGE, "", PERSISTENT_JSON, EventJson.encode(event));
    if (!publishChannel.waitForConfirms(CONFIRM_TIMEOUT_MILLIS)) {
      throw new IOException("RabbitMQ at " + brokerName + " refused (nacked) the event");
    }
  }

  private static Channel confirmingChannel(Connection connection) throws IOException {
    Channel channel = connection.createChannel();
    channel.confirmSelect();
    return channel;
  }

  @Override
  public Subscription subscribe(Consumer<Event> listener) {
    return listeners.add(listener);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  /** Events dropped because too many waited for the broker, or it was down at close. */
  public long droppedEvents() {
    return publisher.dropped();
  }

  /** Events waiting to be sent. */
  public int pendingEvents() {
    return publisher.pending();
  }

  /** Sends what is queued (waiting up to the flush timeout), then disconnects. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    publisher.close(flushTimeout);
    listeners.clear();
    abort(connection);
  }

  private static void abort(Connection connection) {
    // abort, not close: it does not throw and gives up quickly when the broker is gone.
    connection.abort(Math.toIntExact(CONFIRM_TIMEOUT_MILLIS));
  }

  /** The client wraps the broker's reason (such as "vhost not found") in bare IOExceptions. */
  private static String rootCause(Throwable e) {
    Throwable described = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        described = t;
      }
    }
    return described.toString();
  }

  /** The URI as it may be logged: the user but not the password, and no query. */
  static String withoutPassword(URI uri) {
    String user = uri.getUserInfo() == null ? null : uri.getUserInfo().split(":", 2)[0];
    try {
      return new URI(uri.getScheme(), user, uri.getHost(), uri.getPort(), uri.getPath(), null,
          null).toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost();
    }
  }

  private record RecoveryLogger(String brokerName) implements RecoveryListener {
    @Override
    public void handleRecoveryStarted(Recoverable recoverable) {
      log.warn("lost the connection to RabbitMQ at {}; reconnecting. Events from other nodes"
          + " are missed meanwhile, events published here are kept and retried", brokerName);
    }

    @Override
    public void handleRecovery(Recoverable recoverable) {
      log.info("reconnected to RabbitMQ at {}", brokerName);
    }
  }

  /** Validating builder of the bus's settings. */
  public static final class Settings {
    private final String nodeId;
    private final int maxPending;
    private final Duration retryInterval;
    private final Duration connectTimeout;
    private final Duration flushTimeout;

    private Settings(Builder b) {
      this.nodeId = b.nodeId;
      this.maxPending = b.maxPending;
      this.retryInterval = b.retryInterval;
      this.connectTimeout = b.connectTimeout;
      this.flushTimeout = b.flushTimeout;
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Builder with defaults: random node id, 10,000 pending, 1 s retry, 5 s timeouts. */
    public static final class Builder {
      private String nodeId = NodeIds.random();
      private int maxPending = 10_000;
      private Duration retryInterval = Duration.ofSeconds(1);
      private Duration connectTimeout = Duration.ofSeconds(5);
      private Duration flushTimeout = Duration.ofSeconds(5);

      private Builder() {}

      public Builder nodeId(String nodeId) {
        this.nodeId = NodeIds.check(nodeId);
        return this;
      }

      /** Events kept while the broker is unreachable before new ones are dropped. */
      public Builder maxPending(int events) {
        if (events < 1) {
          throw new InvalidInputException("maxPending must be >= 1: " + events);
        }
        this.maxPending = events;
        return this;
      }

      /** Pause between attempts to publish and to reconnect. */
      public Builder retryInterval(Duration interval) {
        this.retryInterval = positive("retryInterval", interval);
        return this;
      }

      public Builder connectTimeout(Duration timeout) {
        this.connectTimeout = positive("connectTimeout", timeout);
        return this;
      }

      /** How long {@link #close} waits for queued events to reach the broker. */
      public Builder flushTimeout(Duration timeout) {
        this.flushTimeout = positive("flushTimeout", timeout);
        return this;
      }

      private static Duration positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()
            || value.compareTo(Duration.ofHours(1)) > 0) {
          throw new InvalidInputException(what + " must be > 0 and <= 1 hour: " + value);
        }
        return value;
      }

      public Settings build() {
        return new Settings(this);
      }
    }
  }
}
