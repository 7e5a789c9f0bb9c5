package dev.serval.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.testing.junit5.server.SelfSignedCertificateExtension;
import dev.serval.core.DataType;
import dev.serval.grpc.api.GRPCInferenceServiceGrpc;
import dev.serval.grpc.api.InferTensorContents;
import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelInferRequest.InferInputTensor;
import dev.serval.grpc.api.ServerLiveRequest;
import dev.serval.runtime.onnx.SampleModels;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and gRPC over TLS on one port, with a self-signed certificate made for the test. */
class TlsTest {
  @RegisterExtension @Order(1)
  static final SelfSignedCertificateExtension certificate =
      new SelfSignedCertificateExtension("localhost");
  @RegisterExtension @Order(2)
  static final SelfSignedCertificateExtension other = new SelfSignedCertificateExtension();

  @TempDir static Path repository;
  private static TestServer server;

  @BeforeAll
  static void start() {
    TestServer.writeModel(repository, "mlp", 1, SampleModels.mlp(8, new int[] {16}, 3, 1));
    server = TestServer.start(repository,
        b -> b.tls(certificate.certificateFile().toPath(), certificate.privateKeyFile().toPath()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void servesRestOverHttps() {
    WebClient client = WebClient.builder("https://localhost:" + server.server.port())
        .factory(ClientFactory.insecure())
        .build();

    AggregatedHttpResponse response = client.blocking().execute(
        RequestHeaders.builder(HttpMethod.POST, "/v2/models/mlp/infer")
            .contentType(MediaType.JSON_UTF_8).build(),
        TestServer.inferRequest("input", DataType.FP32, "[1, 8]", "[1, 2, 3, 4, 5, 6, 7, 8]"));

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(TestServer.json(response).path("outputs").size()).isPositive();
  }

  @Test
  void servesGrpcOverTlsTrustingTheCertificate() throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", server.server.port(),
        TlsChannelCredentials.newBuilder().trustManager(certificate.certificateFile()).build())
        .build();
    try {
      var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (int i = 0; i < 8; i++) {
        contents.addFp32Contents(i);
      }
      assertThat(stub.modelInfer(ModelInferRequest.newBuilder().setModelName("mlp")
          .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
              .addShape(1).addShape(8).setContents(contents)).build())
          .getOutputsCount()).isPositive();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void refusesAKeyThatIsNotTheCertificates() {
    assertThatThrownBy(() -> ServalServer.builder().tls(
            certificate.certificateFile().toPath(), other.privateKeyFile().toPath()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to the certificate");
  }

  @Test
  void refusesUnreadableAndNonPemFiles() {
    Path missing = repository.resolve("missing.pem");
    assertThatThrownBy(() -> ServalServer.builder().tls(missing,
            certificate.privateKeyFile().toPath()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pem").hasMessageContaining("not readable");

    Path garbage = repository.resolve("garbage.pem");
    assertThatThrownBy(() -> {
      Files.writeString(garbage, "not a certificate");
      ServalServer.builder().tls(garbage, certificate.privateKeyFile().toPath());
    }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as PEM");
  }
}
