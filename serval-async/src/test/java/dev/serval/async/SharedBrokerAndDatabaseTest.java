package dev.serval.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.serval.store.Database;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two nodes on the local PostgreSQL, and reply queues on the local RabbitMQ. */
@Tag("it")
class SharedBrokerAndDatabaseTest {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final URI BROKER = URI.create("amqp://guest:guest@127.0.0.1:5672");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String schema = "async_" + UUID.randomUUID().toString().replace("-", "");
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private final List<AsyncService> services = new ArrayList<>();
  private Database db;

  @BeforeEach
  void createSchema() throws Exception {
    execute("CREATE SCHEMA " + schema);
    db = Database.of(SERVER + "?currentSchema=" + schema, "postgres", "");
  }

  @AfterEach
  void dropSchema() throws Exception {
    services.forEach(AsyncService::close);
    db.close();
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  private static void execute(String sql) throws Exception {
    try (java.sql.Connection c = DriverManager.getConnection(SERVER, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private AsyncService node(String id, ReplyPublisher replies) {
    AsyncService.Builder builder = AsyncService.builder()
        .database(db)
        .nodeId(id)
        .pollInterval(Duration.ofMillis(20))
        .retryDelay(Duration.ofMillis(20))
        .handler(invocation -> {
          String body = new String(invocation.body(), StandardCharsets.UTF_8);
          handled.add(body);
          return CompletableFuture.completedFuture(new Response(200, "application/json",
              Map.of(), ("[\"" + body + "\"]").getBytes(StandardCharsets.UTF_8)));
        })
        .failures(AsyncServiceTest::render);
    if (replies != null) {
      builder.replies(replies);
    }
    AsyncService service = builder.build();
    services.add(service);
    return service.start();
  }

  private static Submission request(String body, String replyTo) {
    return new Submission(AsyncKind.INFER, "m", null, "application/json",
        body.getBytes(StandardCharsets.UTF_8), Map.of(), replyTo, null);
  }

  @Test
  void twoNodesOnOneDatabaseRunEachRequestOnce() {
    AsyncService a = node("node-a", null);
    AsyncService b = node("node-b", null);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add((i % 2 == 0 ? a : b).submit(request("r" + i, null)).id());
    }

    await().atMost(WAIT).until(
        () -> ids.stream().allMatch(id -> a.status(id).state() == AsyncState.SUCCEEDED));

    assertThat(handled).hasSize(40).doesNotHaveDuplicates();
  }

  @Test
  void publishesTheAnswerToTheReplyQueueAsAPersistentMessage() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(BROKER);
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      String queue = channel.queueDeclare().getQueue();
      AsyncService node = node("node-a", RabbitMqReplyPublisher.connect(BROKER));

      String id = node.submit(request("hello", queue)).id();

      await().atMost(WAIT).until(() -> node.status(id).replyState() == DeliveryState.DELIVERED);
      GetResponse message = channel.basicGet(queue, true);
      assertThat(message.getProps().getCorrelationId()).isEqualTo(id);
      assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
      assertThat(message.getProps().getContentType()).isEqualTo("application/json");
      assertThat(message.getProps().getHeaders().get(AsyncService.HEADER_STATE).toString())
          .isEqualTo("SUCCEEDED");
      assertThat(new String(message.getBody(), StandardCharsets.UTF_8))
          .isEqualTo("[\"hello\"]");
    }
  }

  @Test
  void recordsAReplyToAQueueThatDoesNotExist() {
    AsyncService node = node("node-a", RabbitMqReplyPublisher.connect(BROKER));
    String queue = "serval-missing-" + UUID.randomUUID();

    String id = node.submit(request("x", queue)).id();

    await().atMost(WAIT).until(() -> node.status(id).replyState() == DeliveryState.FAILED);
    assertThat(node.status(id).replyError()).contains("no queue '" + queue + "'");
  }
}
