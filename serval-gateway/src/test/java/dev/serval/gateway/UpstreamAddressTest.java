package dev.serval.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamAddressTest {
  @Test
  void parsesHostPortListsAndBracketedIpv6() {
    assertThat(UpstreamAddress.parseList("10.0.0.5:8000, [::1]:8001"))
        .containsExactly(new UpstreamAddress("10.0.0.5", 8000), new UpstreamAddress("::1", 8001));
    assertThat(new UpstreamAddress("::1", 8001)).hasToString("[::1]:8001");
  }

  @Test
  void rejectsMissingPortsBadPortsAndRepeatsNamingTheValue() {
    assertThatThrownBy(() -> UpstreamAddress.parse("host")).hasMessageContaining("'host'");
    assertThatThrownBy(() -> UpstreamAddress.parse("::1:80")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> UpstreamAddress.parse("h:99999")).hasMessageContaining("99999");
    assertThatThrownBy(() -> UpstreamAddress.requireDistinct(
        List.of(new UpstreamAddress("h", 1), new UpstreamAddress("h", 1))))
        .hasMessageContaining("h:1 is listed twice");
  }
}
