package dev.serval.security;

import dev.serval.core.InvalidInputException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to create a key with.
 *
 * @param models the models the key may address; empty for every model (admin keys always cover
 *     every model)
 * @param rateLimit the key's own rate limit; empty for the server's default
 */
public record NewKey(
    String name, Role role, List<String> models, Optional<RateLimit> rateLimit, Actor createdBy) {
  /** Model names as the registry accepts them. */
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final int MAX_NAME = 128;

  public NewKey {
    if (name == null || name.isBlank() || name.length() > MAX_NAME
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("key name must be 1.." + MAX_NAME
          + " printable characters but was '" + name + "'");
    }
    if (role == null) {
      throw new InvalidInputException("role must be one of admin, deployer, inference but was"
          + " missing");
    }
    models = List.copyOf(Objects.requireNonNull(models, "models")).stream().distinct().toList();
    for (String model : models) {
      if (!MODEL.matcher(model).matches()) {
        throw new InvalidInputException("model '" + model + "' in the key's scope is not a valid"
            + " model name (letters, digits, '.', '_', '-'; at most 128)");
      }
    }
    if (role == Role.ADMIN && !models.isEmpty()) {
      throw new InvalidInputException("an admin key covers every model, so it takes no model"
          + " scope " + models + "; drop the models or choose role deployer or inference");
    }
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(createdBy, "createdBy");
  }
}
