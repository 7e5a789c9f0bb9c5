package dev.serval.registry;

import java.util.Optional;

/**
 * Tells the registry which versions must not be deleted for reasons it does not store itself,
 * such as a deployment that routes traffic to them.
 */
@FunctionalInterface
public interface ProtectedVersions {
  ProtectedVersions NONE = (model, version) -> Optional.empty();

  /** Why the version is protected (e.g. "deployment 'canary' serves it"), or empty if it is not. */
  Optional<String> reason(String model, int version);
}
