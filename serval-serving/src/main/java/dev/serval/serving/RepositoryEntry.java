package dev.serval.serving;

/**
 * One model version in the repository index.
 *
 * @param name model name
 * @param version version, or null for an entry about the whole model (not loaded, bad config,
 *     no versions)
 * @param state READY, LOADING, UNLOADING or UNAVAILABLE
 * @param reason why it is not ready; for a ready version, why its last reload did not replace it;
 *     otherwise empty. Paths are relative to the repository.
 */
public record RepositoryEntry(String name, String version, ModelState state, String reason) {}
