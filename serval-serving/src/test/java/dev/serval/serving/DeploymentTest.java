package dev.serval.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeploymentTest {
  @Test
  void listsWeightedStandbyAndShadowVersionsAscending() {
    Deployment deployment =
        Deployment.weighted(Map.of(4L, 10, 3L, 90)).withStandby(Set.of(1L)).withShadow(5);

    assertThat(deployment.versions()).containsExactly(1L, 3L, 4L, 5L);
    assertThat(deployment.weights().keySet()).containsExactly(3L, 4L);
  }

  @Test
  void singleSendsAllDefaultTrafficToOneVersion() {
    assertThat(Deployment.single(7))
        .isEqualTo(new Deployment(Map.of(7L, 1), Set.of(), null))
        .extracting(Deployment::versions)
        .isEqualTo(Set.of(7L));
  }

  @Test
  void dropsStandbyVersionsThatAlsoReceiveWeightedTraffic() {
    assertThat(Deployment.weighted(Map.of(3L, 1)).withStandby(Set.of(2L, 3L)).standby())
        .containsExactly(2L);
  }

  @Test
  void rejectsMissingOrEmptyWeightsAndNullStandby() {
    assertThatThrownBy(() -> new Deployment(null, Set.of(), null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("weights must name at least one version but was null");
    assertThatThrownBy(() -> Deployment.weighted(Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("weights must name at least one version but was {}");
    assertThatThrownBy(() -> new Deployment(Map.of(1L, 1), null, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("standby must not be null; use an empty set for none");
  }

  @Test
  void rejectsNonPositiveWeightsAndNegativeVersions() {
    Map<Long, Integer> nullWeight = new HashMap<>();
    nullWeight.put(2L, null);
    Set<Long> nullStandby = new HashSet<>();
    nullStandby.add(null);

    assertThatThrownBy(() -> Deployment.weighted(Map.of(1L, 0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("weights must be positive but version 1 has weight 0");
    assertThatThrownBy(() -> Deployment.weighted(nullWeight))
        .hasMessage("weights must be positive but version 2 has weight null");
    assertThatThrownBy(() -> Deployment.weighted(Map.of(-1L, 5)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("versions must be non-negative numbers but weights has -1");
    assertThatThrownBy(() -> Deployment.single(1).withStandby(nullStandby))
        .hasMessage("versions must be non-negative numbers but standby has null");
    assertThatThrownBy(() -> Deployment.single(1).withShadow(-3))
        .hasMessage("versions must be non-negative numbers but shadow has -3");
  }

  @Test
  void rejectsAShadowThatAlsoReceivesWeightedTraffic() {
    assertThatThrownBy(() -> Deployment.weighted(Map.of(1L, 1, 2L, 1)).withShadow(2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "shadow 2 is also in weights {1=1, 2=1}; a shadow version only gets copies of the"
                + " traffic");
  }
}
