package dev.serval.security;

import dev.serval.core.InvalidInputException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What an API key may do; each role includes the ones before it. */
public enum Role {
  /** Inference, and reading the models in scope. */
  INFERENCE(EnumSet.of(Permission.READ, Permission.INFER)),
  /** Inference plus every change to the models in scope. */
  DEPLOYER(EnumSet.of(Permission.READ, Permission.INFER, Permission.WRITE)),
  /** Everything, on every model: keys, audit log, backups included. */
  ADMIN(EnumSet.allOf(Permission.class));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = permissions;
  }

  public boolean allows(Permission permission) {
    return permissions.contains(permission);
  }

  /** The least role that allows {@code permission}. */
  public static Role least(Permission permission) {
    return Arrays.stream(values()).filter(r -> r.allows(permission)).findFirst().orElseThrow();
  }

  /** The lower-case name used on the command line and in JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws InvalidInputException naming the roles when {@code text} is none of them */
  public static Role parse(String text) {
    for (Role role : values()) {
      if (role.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return role;
      }
    }
    throw new InvalidInputException(
        "role must be one of admin, deployer, inference but was '" + text + "'");
  }
}
