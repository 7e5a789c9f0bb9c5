package dev.serval.server.api.internal;

import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.ClientRequestContextCaptor;
import com.linecorp.armeria.client.Clients;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.serval.serving.InferenceRequest;
import dev.serval.serving.InferenceResult;
import dev.serval.serving.ModelMetadata;
import dev.serval.serving.ModelService;
import dev.serval.serving.ModelStatistics;
import dev.serval.serving.RepositoryEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A client that goes away before its answer cancels the inference, so it is never computed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InferCancellationTest {
  private static final HeldInferences MODELS = new HeldInferences();
  private static final String REQUEST =
      "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1], \"data\": [1]}]}";

  @RegisterExtension
  static final ServerExtension SERVER =
      new ServerExtension() {
        @Override
        protected void configure(ServerBuilder sb) {
          new ProtocolApi(
                  MODELS, () -> true, "test", VersionResolver.IDENTITY, new HttpErrors(1 << 20),
                  null)
              .registerOn(sb);
        }
      };

  @ParameterizedTest
  @EnumSource(value = SessionProtocol.class, names = {"H1C", "H2C"})
  void cancelsTheInferenceWhenTheClientGoesAway(SessionProtocol protocol) throws Exception {
    WebClient client = WebClient.of(SERVER.uri(protocol));
    ClientRequestContext request;
    try (ClientRequestContextCaptor captor = Clients.newContextCaptor()) {
      client
          .execute(
              RequestHeaders.builder(HttpMethod.POST, "/v2/models/m/infer")
                  .contentType(MediaType.JSON_UTF_8)
                  .build(),
              REQUEST)
          .aggregate();
      request = captor.get();
    }
    CompletableFuture<InferenceResult> inference = MODELS.submitted.take();

    request.cancel();

    await().until(inference::isCancelled);
  }

  /** Answers no inference; hands each one's future to the test. */
  private static final class HeldInferences implements ModelService {
    final LinkedBlockingQueue<CompletableFuture<InferenceResult>> submitted =
        new LinkedBlockingQueue<>();

    @Override
    public CompletableFuture<InferenceResult> infer(InferenceRequest request) {
      CompletableFuture<InferenceResult> result = new CompletableFuture<>();
      submitted.add(result);
      return result;
    }

    @Override
    public ModelMetadata metadata(String model, String version) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isModelReady(String model, String version) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isServerReady() {
      return true;
    }

    @Override
    public List<RepositoryEntry> index(boolean readyOnly) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void load(String model) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void unload(String model) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ModelStatistics> statistics(String model, String version) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
