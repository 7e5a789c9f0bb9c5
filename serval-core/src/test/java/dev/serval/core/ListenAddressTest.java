package dev.serval.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenAddressTest {
  @Test
  void acceptsEveryPortFromZeroTo65535() {
    assertThat(ListenAddress.port(0)).isZero();
    assertThat(ListenAddress.port(8000)).isEqualTo(8000);
    assertThat(ListenAddress.port(65535)).isEqualTo(65535);
  }

  @Test
  void rejectsPortsOutsideTheRangeNamingTheValue() {
    for (int port : new int[] {-1, 65536, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> ListenAddress.port(port))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("port must be within 0..65535 but was " + port);
    }
  }

  @Test
  void rejectsMissingOrBlankHost() {
    assertThat(ListenAddress.host("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThatThrownBy(() -> ListenAddress.host(" "))
        .hasMessage("host must not be blank but was ' '");
    assertThatThrownBy(() -> ListenAddress.host(null))
        .hasMessage("host must not be blank but was 'null'");
  }
}
