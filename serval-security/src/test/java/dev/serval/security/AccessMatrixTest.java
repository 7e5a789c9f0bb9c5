package dev.serval.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.PermissionDeniedException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which role and scope may do what: the table of the user guide. */
class AccessMatrixTest {
  @ParameterizedTest(name = "{0} key scoped to [{1}]: {2} on {3} -> {4}")
  @CsvSource(nullValues = "-", value = {
      // role, scope, permission, model, allowed
      "inference, -,   READ,  mlp, true",
      "inference, -,   INFER, mlp, true",
      "inference, -,   INFER, -,   true",
      "inference, -,   WRITE, mlp, false",
      "inference, -,   ADMIN, -,   false",
      "inference, mlp, INFER, mlp, true",
      "inference, mlp, READ,  mlp, true",
      "inference, mlp, INFER, cnn, false",
      "inference, mlp, READ,  -,   false",
      "deployer,  -,   WRITE, mlp, true",
      "deployer,  -,   INFER, mlp, true",
      "deployer,  -,   ADMIN, -,   false",
      "deployer,  mlp, WRITE, mlp, true",
      "deployer,  mlp, WRITE, cnn, false",
      "deployer,  mlp, WRITE, -,   false",
      "admin,     -,   ADMIN, -,   true",
      "admin,     -,   WRITE, cnn, true",
      "admin,     -,   INFER, -,   true",
  })
  void grantsByRoleAndScope(
      String role, String scope, Permission permission, String model, boolean allowed) {
    ApiKey key = new ApiKey("0123456789abcdef", "k", Role.parse(role),
        scope == null ? List.of() : List.of(scope), Optional.empty(), Instant.EPOCH, "local", null);

    if (allowed) {
      assertThatCode(() -> key.authorize(permission, model)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> key.authorize(permission, model))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("API key 'k' (0123456789abcdef)");
    }
  }
}
