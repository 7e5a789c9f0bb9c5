package dev.serval.server.api.internal;

/**
 * Turns the {@code {version}} of a {@code /v2/models/{model}/versions/{version}} route into the
 * version number that serving knows, so that a registry alias ("production") can name a version.
 */
@FunctionalInterface
public interface VersionResolver {
  /** Passes every version through unchanged: for servers without a registry. */
  VersionResolver IDENTITY = (model, version) -> version;

  /**
   * Called only for versions that are not plain numbers; may block (a registry lookup).
   *
   * @throws dev.serval.core.ModelNotFoundException when the model has no such alias
   */
  String resolve(String model, String version);
}
