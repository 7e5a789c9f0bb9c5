package dev.serval.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.core.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorStatusTest {
  @ParameterizedTest
  @EnumSource(ErrorKind.class)
  void mapsEveryErrorKind(ErrorKind kind) {
    assertThat(ErrorStatus.of(kind)).isNotNull();
  }

  @Test
  void usesTheProtocolsStatusCodes() {
    assertThat(ErrorStatus.of(ErrorKind.INVALID_ARGUMENT).httpStatus()).isEqualTo(400);
    assertThat(ErrorStatus.of(ErrorKind.NOT_FOUND).httpStatus()).isEqualTo(404);
    assertThat(ErrorStatus.of(ErrorKind.CONFLICT).httpStatus()).isEqualTo(409);
    assertThat(ErrorStatus.of(ErrorKind.UNAVAILABLE).httpStatus()).isEqualTo(503);
    assertThat(ErrorStatus.of(ErrorKind.RESOURCE_EXHAUSTED).httpStatus()).isEqualTo(429);
    assertThat(ErrorStatus.of(ErrorKind.DEADLINE_EXCEEDED).httpStatus()).isEqualTo(504);
    assertThat(ErrorStatus.of(ErrorKind.PAYLOAD_TOO_LARGE).httpStatus()).isEqualTo(413);
    assertThat(ErrorStatus.of(ErrorKind.INSUFFICIENT_STORAGE).httpStatus()).isEqualTo(507);
    assertThat(ErrorStatus.of(ErrorKind.INTERNAL).httpStatus()).isEqualTo(500);
    assertThat(ErrorStatus.of(ErrorKind.RESOURCE_EXHAUSTED).grpcCode())
        .isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(ErrorStatus.of(ErrorKind.NOT_FOUND).grpcCode()).isEqualTo("NOT_FOUND");
    assertThat(ErrorStatus.of(ErrorKind.DEADLINE_EXCEEDED).grpcCode())
        .isEqualTo("DEADLINE_EXCEEDED");
  }
}
