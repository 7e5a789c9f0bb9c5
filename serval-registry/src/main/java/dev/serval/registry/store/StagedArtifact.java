package dev.serval.registry.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An upload that is fully on disk and hashed but not yet visible under its digest. The registry
 * publishes it only while it holds the database lock for that digest, so that a concurrent delete
 * of the same content cannot remove the file between "it exists" and "a version references it".
 * Closing an unpublished artifact deletes its temp file.
 */
public final class StagedArtifact implements AutoCloseable {
  private final ArtifactStore store;
  private final Path temp;
  private final String sha256;
  private final long size;
  private boolean published;

  StagedArtifact(ArtifactStore store, Path temp, String sha256, long size) {
    this.store = store;
    this.temp = temp;
    this.sha256 = sha256;
    this.size = size;
  }

  /** Lowercase hex SHA-256 of the content. */
  public String sha256() {
    return sha256;
  }

  public long size() {
    return size;
  }

  /** Moves the content to its content-addressed place; keeps the existing file if already there. */
  public void publish() {
    if (!published) {
      store.publish(temp, sha256);
      published = true;
    }
  }

  @Override
  public void close() {
    if (!published) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete temp upload " + temp, e);
      }
    }
  }
}
