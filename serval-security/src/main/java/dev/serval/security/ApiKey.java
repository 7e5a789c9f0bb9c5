package dev.serval.security;

import dev.serval.core.PermissionDeniedException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored API key, without its secret.
 *
 * @param id the public part of the token, {@code sv_<id>_...}
 * @param models the models the key may address; empty for every model
 * @param rateLimit the key's own rate limit, or empty for the server's default
 * @param createdBy who created it, as {@link Actor#describe()}
 * @param revokedAt when it was revoked, or null while it is valid
 */
public record ApiKey(
    String id,
    String name,
    Role role,
    List<String> models,
    Optional<RateLimit> rateLimit,
    Instant createdAt,
    String createdBy,
    Instant revokedAt) {
  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    models = List.copyOf(models);
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(createdBy, "createdBy");
  }

  public boolean isRevoked() {
    return revokedAt != null;
  }

  /** Whether the key may address every model rather than a list of them. */
  public boolean coversAllModels() {
    return models.isEmpty();
  }

  /**
   * Checks that the key may do {@code permission} on {@code model}.
   *
   * @param model the model the request addresses, or null for a request about every model (such
   *     as the repository index), which a key limited to some models may not make
   * @throws PermissionDeniedException saying which role or scope the request needs
   */
  public void authorize(Permission permission, String model) {
    authorize(permission);
    if (coversAllModels() || permission == Permission.ADMIN) {
      return;
    }
    if (model == null) {
      throw new PermissionDeniedException(describe() + " is limited to models " + models
          + ", and this request covers every model; address one model, or use a key for all"
          + " models");
    }
    if (!models.contains(model)) {
      throw new PermissionDeniedException(describe() + " is limited to models " + models
          + " and may not address '" + model + "'; use a key whose scope includes it");
    }
  }

  /**
   * Checks the key's role only, for requests about no model (such as server metadata).
   *
   * @throws PermissionDeniedException saying which role the request needs
   */
  public void authorize(Permission permission) {
    if (!role.allows(permission)) {
      throw new PermissionDeniedException(describe() + " has role " + role.label()
          + ", which may not " + permission.description() + "; this needs a "
          + Role.least(permission).label() + " key (an admin creates one with ./serval keys"
          + " create)");
    }
  }

  /** E.g. {@code id=3f2a... name=ci role=deployer models=a,b}, for the audit log. */
  public String summary() {
    return "id=" + id + " name=" + name + " role=" + role.label()
        + (models.isEmpty() ? "" : " models=" + String.join(",", models));
  }

  /** E.g. {@code API key 'ci' (3f2a...)}, for messages and logs. */
  public String describe() {
    return "API key '" + name + "' (" + id + ")";
  }
}
