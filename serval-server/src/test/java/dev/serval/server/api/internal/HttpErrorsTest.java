package dev.serval.server.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.serval.core.DeadlineExceededException;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelLoadException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.core.ModelNotReadyException;
import dev.serval.core.PayloadTooLargeException;
import dev.serval.core.QueueFullException;
import dev.serval.core.ServalException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HttpErrorsTest {
  private final HttpErrors errors = new HttpErrors(1024);

  static Stream<Arguments> domainErrors() {
    return Stream.of(
        Arguments.of(new InvalidInputException("bad"), 400),
        Arguments.of(new ModelNotFoundException("bad"), 404),
        Arguments.of(new ModelNotReadyException("bad"), 503),
        Arguments.of(new QueueFullException("bad", Duration.ofMillis(10)), 429),
        Arguments.of(new DeadlineExceededException("bad"), 504),
        Arguments.of(new PayloadTooLargeException("bad"), 413),
        Arguments.of(new ModelLoadException("bad"), 500));
  }

  @ParameterizedTest
  @MethodSource("domainErrors")
  void mapsEachDomainErrorToItsStatusWithTheMessage(ServalException error, int status) {
    AggregatedHttpResponse response = errors.toResponse(error).aggregate().join();

    assertThat(response.status().code()).isEqualTo(status);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    assertThat(response.contentUtf8()).isEqualTo("{\"error\":\"bad\"}");
  }

  @Test
  void unwrapsCompletionExceptions() {
    AggregatedHttpResponse response =
        errors
            .toResponse(new CompletionException(new ModelNotFoundException("no model 'm'")))
            .aggregate()
            .join();

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  @Test
  void roundsRetryAfterUpToWholeSecondsOfAtLeastOne() {
    assertThat(retryAfter(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(retryAfter(Duration.ZERO)).isEqualTo(1);
    assertThat(retryAfter(Duration.ofSeconds(2))).isEqualTo(2);
    assertThat(retryAfter(Duration.ofMillis(2001))).isEqualTo(3);
    assertThat(retryAfter(null)).isEqualTo(1);
  }

  @Test
  void setsRetryAfterOnQueueFull() {
    AggregatedHttpResponse response =
        errors.toResponse(new QueueFullException("full", Duration.ofMillis(1500))).aggregate().join();

    assertThat(response.headers().get("retry-after")).isEqualTo("2");
  }

  @Test
  void hidesTheDetailsOfUnexpectedFailures() {
    AggregatedHttpResponse response =
        errors.toResponse(new IllegalStateException("secret internals")).aggregate().join();

    assertThat(response.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    assertThat(response.contentUtf8()).isEqualTo("{\"error\":\"internal server error\"}");
  }

  @Test
  void reportsTheBodyLimitOnContentTooLarge() {
    AggregatedHttpResponse response =
        errors.toResponse(ContentTooLargeException.get()).aggregate().join();

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(response.contentUtf8())
        .isEqualTo("{\"error\":\"request body is larger than the limit of 1024 bytes\"}");
  }

  private static long retryAfter(Duration duration) {
    return HttpErrors.retryAfterSeconds(new QueueFullException("full", duration));
  }
}
