package dev.serval.server.api.internal;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.core.InvalidInputException;
import dev.serval.serving.InferenceResult;
import dev.serval.serving.ModelService;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v2/models/{model}[/versions/{version}]/infer}. Decodes on the event loop (a small
 * body decodes faster than a thread hop), lets serving schedule the request, and encodes the
 * result back on the event loop so that batcher threads only compute.
 */
final class InferService implements HttpService {
  static final String HEADER_LENGTH = "inference-header-content-length";
  private static final ResponseHeaders JSON_OK =
      ResponseHeaders.of(HttpStatus.OK, "content-type", MediaType.JSON_UTF_8.toString());
  /**
   * Larger JSON (about 5 ms of parsing and up) is decoded on a blocking-task thread so that the
   * event loop keeps serving other connections meanwhile.
   */
  static final int MAX_EVENT_LOOP_JSON_BYTES = 1 << 20;
  /** Typical small responses fit; larger ones grow the buffer. */
  private static final int INITIAL_RESPONSE_BYTES = 512;

  private final ModelService models;
  private final InferRequestDecoder decoder;
  private final InferResponseEncoder encoder;
  private final PathVersions versions;
  private final HttpErrors errors;
  /** Null when the server does not take asynchronous requests. */
  private final AsyncRoutes async;

  InferService(
      ModelService models,
      InferRequestDecoder decoder,
      InferResponseEncoder encoder,
      PathVersions versions,
      HttpErrors errors,
      AsyncRoutes async) {
    this.models = models;
    this.decoder = decoder;
    this.encoder = encoder;
    this.versions = versions;
    this.errors = errors;
    this.async = async;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    String model = ctx.pathParam("model");
    int headerLength = headerLength(req.headers());
    CompletableFuture<String> version = versions.resolve(ctx);
    CompletableFuture<HttpResponse> response =
        req.aggregate()
            .thenCompose(
                body ->
                    version.thenCompose(
                        resolved -> infer(ctx, model, resolved, body, headerLength)))
            .exceptionally(errors::toResponse);
    return HttpResponse.of(response);
  }

  private CompletableFuture<HttpResponse> infer(
      ServiceRequestContext ctx,
      String model,
      String version,
      AggregatedHttpRequest request,
      int headerLength) {
    byte[] body = request.content().array();
    int jsonBytes = headerLength < 0 ? body.length : Math.min(headerLength, body.length);
    if (jsonBytes <= MAX_EVENT_LOOP_JSON_BYTES) {
      return dispatch(ctx, request, decoder.decode(model, version, body, headerLength));
    }
    return CompletableFuture.supplyAsync(
            () -> decoder.decode(model, version, body, headerLength), ctx.blockingTaskExecutor())
        .thenCompose(decoded -> dispatch(ctx, request, decoded));
  }

  /** Runs the request now, or stores it to run later when the client asked for that. */
  private CompletableFuture<HttpResponse> dispatch(
      ServiceRequestContext ctx, AggregatedHttpRequest request, DecodedInferRequest decoded) {
    if (!AsyncRoutes.isRequested(request.headers(), decoded.request().parameters())) {
      return submit(ctx, decoded);
    }
    if (async == null) {
      throw new InvalidInputException("this server does not take asynchronous requests; send"
          + " the request without 'async' and Prefer: respond-async");
    }
    return async.accept(ctx, request, decoded.request());
  }

  private CompletableFuture<HttpResponse> submit(
      ServiceRequestContext ctx, DecodedInferRequest decoded) {
    CompletableFuture<InferenceResult> inference = models.infer(decoded.request());
    // A client that went away (or a request timeout) cancels the inference, so that the batcher
    // skips it if it still waits. Armeria makes this future for every request anyway.
    ctx.whenRequestCancelling().thenRun(() -> inference.cancel(false));
    return inference.thenApplyAsync(
        result -> respond(ctx, result, decoded.encoding()), ctx.eventLoop());
  }

  private HttpResponse respond(
      ServiceRequestContext ctx, InferenceResult result, OutputEncoding encoding) {
    ByteBuf out = ctx.alloc().buffer(INITIAL_RESPONSE_BYTES);
    int headerLength;
    try {
      headerLength = encoder.encode(result, encoding, out);
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
    HttpData content = HttpData.wrap(out);
    if (headerLength < 0) {
      return HttpResponse.of(JSON_OK, content);
    }
    ResponseHeaders headers =
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(MediaType.OCTET_STREAM)
            .setInt(HEADER_LENGTH, headerLength)
            .build();
    return HttpResponse.of(headers, content);
  }

  private static int headerLength(RequestHeaders headers) {
    return headerLength(headers.get(HEADER_LENGTH));
  }

  /** The value of {@value #HEADER_LENGTH}, or -1 when there is none. */
  static int headerLength(String value) {
    if (value == null) {
      return -1;
    }
    try {
      int length = Integer.parseInt(value.trim());
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new InvalidInputException(
        "header Inference-Header-Content-Length must be a non-negative integer but was '"
            + value + "'");
  }
}
