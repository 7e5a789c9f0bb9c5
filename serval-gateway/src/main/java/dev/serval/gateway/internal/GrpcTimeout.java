package dev.serval.gateway.internal;

import com.linecorp.armeria.common.HttpHeaders;
import java.util.concurrent.TimeUnit;

/** The {@code grpc-timeout} request header: up to 8 digits and a unit (H, M, S, m, u, n). */
final class GrpcTimeout {
  private GrpcTimeout() {}

  /** The timeout in nanoseconds; Long.MAX_VALUE when absent or unreadable. */
  static long nanos(HttpHeaders headers) {
    String value = headers.get("grpc-timeout");
    if (value == null || value.length() < 2 || value.length() > 9) {
      return Long.MAX_VALUE;
    }
    long amount;
    try {
      amount = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
    TimeUnit unit = switch (value.charAt(value.length() - 1)) {
      case 'H' -> TimeUnit.HOURS;
      case 'M' -> TimeUnit.MINUTES;
      case 'S' -> TimeUnit.SECONDS;
      case 'm' -> TimeUnit.MILLISECONDS;
      case 'u' -> TimeUnit.MICROSECONDS;
      case 'n' -> TimeUnit.NANOSECONDS;
      default -> null;
    };
    return unit == null ? Long.MAX_VALUE : unit.toNanos(amount);
  }
}
