package dev.serval.server.api.internal;

import com.linecorp.armeria.common.MediaType;
import dev.serval.async.AsyncHandler;
import dev.serval.async.FailureRenderer;
import dev.serval.async.Invocation;
import dev.serval.async.Response;
import dev.serval.core.ErrorKind;
import dev.serval.server.api.ErrorStatus;
import dev.serval.serving.InferenceResult;
import dev.serval.serving.ModelService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs stored asynchronous requests through the same decoder, model service and encoder as
 * {@code POST .../infer}, so that an asynchronous answer is byte for byte the synchronous one, and
 * renders failures as the REST API does.
 */
public final class AsyncInference implements AsyncHandler, FailureRenderer {
  static final String JSON_TYPE = MediaType.JSON_UTF_8.toString();
  private static final int INITIAL_RESPONSE_BYTES = 512;

  private final ModelService models;
  private final PathVersions versions;
  private final InferRequestDecoder decoder = new InferRequestDecoder(Json.FACTORY);
  private final InferResponseEncoder encoder = new InferResponseEncoder(Json.FACTORY);

  public AsyncInference(ModelService models, VersionResolver versions) {
    this.models = models;
    this.versions = new PathVersions(versions);
  }

  /** Called on an asynchronous worker thread, which may block on an alias lookup. */
  @Override
  public CompletableFuture<Response> handle(Invocation invocation) {
    int headerLength = InferService.headerLength(
        invocation.headers().get(InferService.HEADER_LENGTH));
    return versions.resolve(invocation.model(), invocation.version(), Runnable::run)
        .thenCompose(version -> {
          DecodedInferRequest decoded =
              decoder.decode(invocation.model(), version, invocation.body(), headerLength);
          return models.infer(decoded.request())
              .thenApply(result -> encode(result, decoded.encoding()));
        });
  }

  private Response encode(InferenceResult result, OutputEncoding encoding) {
    ByteBuf out = Unpooled.buffer(INITIAL_RESPONSE_BYTES);
    try {
      int headerLength = encoder.encode(result, encoding, out);
      byte[] body = ByteBufUtil.getBytes(out);
      if (headerLength < 0) {
        return new Response(200, JSON_TYPE, Map.of(), body);
      }
      return new Response(200, MediaType.OCTET_STREAM.toString(),
          Map.of(InferService.HEADER_LENGTH, Integer.toString(headerLength)), body);
    } finally {
      out.release();
    }
  }

  @Override
  public Response render(ErrorKind kind, String message) {
    return failure(kind, message);
  }

  /** The status and {@code {"error": ...}} body the REST API answers for this failure. */
  static Response failure(ErrorKind kind, String message) {
    return new Response(ErrorStatus.of(kind).httpStatus(), JSON_TYPE, Map.of(),
        ProtocolJson.error(message));
  }
}
