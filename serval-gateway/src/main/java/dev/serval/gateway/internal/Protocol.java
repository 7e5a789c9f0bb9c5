package dev.serval.gateway.internal;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;

/** What the forwarding loop needs to know of REST or gRPC answers, and the gateway's errors. */
interface Protocol {
  /** The replica failed: counted against its circuit. */
  boolean isFailure(AggregatedHttpResponse response);

  /** A failure another replica may not have (502, 503, gRPC UNAVAILABLE): worth a retry. */
  boolean isRetriable(AggregatedHttpResponse response);

  /** The gateway's own error answer. */
  AggregatedHttpResponse error(HttpStatus status, String message);

  /** The answer's status as the request metric's tag. */
  String statusTag(AggregatedHttpResponse response);

  Protocol REST = new Protocol() {
    @Override
    public boolean isFailure(AggregatedHttpResponse response) {
      return response.status().isServerError();
    }

    @Override
    public boolean isRetriable(AggregatedHttpResponse response) {
      return isUnavailable(response.status());
    }

    @Override
    public AggregatedHttpResponse error(HttpStatus status, String message) {
      return GatewayJson.error(status, message);
    }

    @Override
    public String statusTag(AggregatedHttpResponse response) {
      return response.status().codeAsText();
    }
  };

  static boolean isUnavailable(HttpStatus status) {
    return status == HttpStatus.BAD_GATEWAY || status == HttpStatus.SERVICE_UNAVAILABLE;
  }
}
