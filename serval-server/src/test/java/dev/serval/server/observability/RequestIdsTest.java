package dev.serval.server.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void acceptsShortIdsOfPlainCharactersOnly() {
    assertThat(RequestIds.isSane("0f8fad5b-d9cb-469f-a165-70867728950e")).isTrue();
    assertThat(RequestIds.isSane("Zm9v+YmFy/=_.:")).isTrue();
    assertThat(RequestIds.isSane("x".repeat(RequestIds.MAX_LENGTH))).isTrue();

    assertThat(RequestIds.isSane(null)).isFalse();
    assertThat(RequestIds.isSane("")).isFalse();
    assertThat(RequestIds.isSane("x".repeat(RequestIds.MAX_LENGTH + 1))).isFalse();
    assertThat(RequestIds.isSane("a b")).isFalse();
    assertThat(RequestIds.isSane("a\"b")).isFalse();
    assertThat(RequestIds.isSane("é")).isFalse();
  }
}
