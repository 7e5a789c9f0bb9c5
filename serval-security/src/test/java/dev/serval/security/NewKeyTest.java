package dev.serval.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NewKeyTest {
  private static final Actor BY = Actor.local("alice");

  @Test
  void refusesAModelScopeOnAnAdminKey() {
    assertThatThrownBy(() -> new NewKey("ops", Role.ADMIN, List.of("mlp"), Optional.empty(), BY))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("admin key covers every model");
  }

  @Test
  void refusesInvalidModelNamesAndNames() {
    assertThatThrownBy(() -> new NewKey("ci", Role.DEPLOYER, List.of("a,b"), Optional.empty(), BY))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'a,b'");
    assertThatThrownBy(() -> new NewKey(" ", Role.DEPLOYER, List.of(), Optional.empty(), BY))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("key name");
  }

  @Test
  void dropsRepeatedModels() {
    NewKey key = new NewKey("ci", Role.DEPLOYER, List.of("a", "b", "a"), Optional.empty(), BY);

    assertThat(key.models()).containsExactly("a", "b");
  }
}
