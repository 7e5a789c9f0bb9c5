package dev.serval.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class CausesTest {
  @Test
  void givesTheInnermostCausesMessage() {
    Throwable wrapped = new CompletionException(
        new UncheckedIOException("outer", new IOException("Connection refused")));
    assertThat(Causes.rootMessage(wrapped)).isEqualTo("Connection refused");
  }

  @Test
  void namesTheTypeWhenTheRootHasNoMessage() {
    assertThat(Causes.rootMessage(new RuntimeException("outer", new IllegalStateException())))
        .isEqualTo("IllegalStateException");
  }

  @Test
  void givesTheMessageOfAnExceptionWithoutCause() {
    assertThat(Causes.rootMessage(new IOException("disk full"))).isEqualTo("disk full");
  }
}
