package dev.serval.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import dev.serval.core.PermissionDeniedException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoleTest {
  @Test
  void parsesLabelsInAnyCase() {
    assertThat(Role.parse("Deployer")).isEqualTo(Role.DEPLOYER);
    assertThat(Role.parse(" admin ")).isEqualTo(Role.ADMIN);
  }

  @Test
  void refusesAnUnknownRoleNamingTheRoles() {
    assertThatThrownBy(() -> Role.parse("root"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("admin, deployer, inference")
        .hasMessageContaining("'root'");
  }

  @Test
  void namesTheLeastRoleThatWouldDo() {
    assertThat(Role.least(Permission.INFER)).isEqualTo(Role.INFERENCE);
    assertThat(Role.least(Permission.WRITE)).isEqualTo(Role.DEPLOYER);
    assertThat(Role.least(Permission.ADMIN)).isEqualTo(Role.ADMIN);
  }

  @Test
  void aRefusalSaysWhichRoleIsNeeded() {
    ApiKey key = new ApiKey("0123456789abcdef", "app", Role.INFERENCE, List.of(),
        Optional.empty(), Instant.EPOCH, "local", null);

    assertThatThrownBy(() -> key.authorize(Permission.WRITE, "mlp"))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("role inference")
        .hasMessageContaining("needs a deployer key");
  }
}
