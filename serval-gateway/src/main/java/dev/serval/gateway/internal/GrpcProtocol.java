package dev.serval.gateway.internal;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/** gRPC answers carry their status in {@code grpc-status}, in the trailers or trailers-only. */
final class GrpcProtocol implements Protocol {
  static final Protocol INSTANCE = new GrpcProtocol();

  private static final MediaType GRPC = MediaType.parse("application/grpc");
  private static final String OK = "0";
  private static final String UNAVAILABLE = "14";
  /** UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE: the replica failed, not the request. */
  private static final Set<String> FAILURES = Set.of("2", "4", "13", UNAVAILABLE);
  private static final Map<HttpStatus, String> CODES = Map.of(
      HttpStatus.BAD_REQUEST, "3",
      HttpStatus.NOT_FOUND, "5",
      HttpStatus.NOT_IMPLEMENTED, "12",
      HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE,
      HttpStatus.GATEWAY_TIMEOUT, "4");

  private GrpcProtocol() {}

  @Override
  public boolean isFailure(AggregatedHttpResponse response) {
    return response.status().isServerError() || FAILURES.contains(grpcStatus(response));
  }

  @Override
  public boolean isRetriable(AggregatedHttpResponse response) {
    return Protocol.isUnavailable(response.status())
        || UNAVAILABLE.equals(grpcStatus(response));
  }

  /** A trailers-only answer. */
  @Override
  public AggregatedHttpResponse error(HttpStatus status, String message) {
    return AggregatedHttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
        .contentType(GRPC)
        .add("grpc-status", CODES.getOrDefault(status, "13"))
        .add("grpc-message", percentEncode(message))
        .build());
  }

  @Override
  public String statusTag(AggregatedHttpResponse response) {
    return response.status() == HttpStatus.OK
        ? "grpc-" + grpcStatus(response) : response.status().codeAsText();
  }

  private static String grpcStatus(AggregatedHttpResponse response) {
    String status = response.trailers().get("grpc-status");
    if (status == null) {
      status = response.headers().get("grpc-status");
    }
    return status == null ? OK : status;
  }

  /** grpc-message is percent-encoded UTF-8 outside printable ASCII (and '%' itself). */
  private static String percentEncode(String message) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      if (b >= ' ' && b <= '~' && b != '%') {
        encoded.append((char) b);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return encoded.toString();
  }
}
