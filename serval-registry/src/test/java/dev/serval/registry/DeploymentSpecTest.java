package dev.serval.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeploymentSpecTest {

  @Test
  void listsWeightedAndShadowVersionsInOrder() {
    DeploymentSpec spec = new DeploymentSpec(Map.of(4, 10, 2, 90), 3);

    assertThat(spec.versions()).containsExactly(2, 3, 4);
    assertThat(spec.weights().keySet()).containsExactly(2, 4);
  }

  @Test
  void refusesSpecsThatCannotRouteTrafficNamingTheProblem() {
    assertThatThrownBy(() -> new DeploymentSpec(Map.of(), null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("1-1000 weighted versions: 0");
    assertThatThrownBy(() -> new DeploymentSpec(Map.of(1, 0), null))
        .hasMessageContaining("weight of version 1 must be 1-1000000: 0");
    assertThatThrownBy(() -> new DeploymentSpec(Map.of(0, 5), null))
        .hasMessageContaining("deployment version must be a version number >= 1: 0");
    assertThatThrownBy(() -> new DeploymentSpec(Map.of(1, 5), 1))
        .hasMessageContaining("shadow version 1 already takes live traffic");
    assertThatThrownBy(() -> new DeploymentSpec(Map.of(1, 5), -2))
        .hasMessageContaining("shadow version must be a version number >= 1: -2");
    Map<Integer, Integer> tooMany = new HashMap<>();
    IntStream.rangeClosed(1, 1001).forEach(v -> tooMany.put(v, 1));
    assertThatThrownBy(() -> new DeploymentSpec(tooMany, null))
        .hasMessageContaining("weighted versions: 1001");
  }
}
