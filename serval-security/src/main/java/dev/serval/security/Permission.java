package dev.serval.security;

/** What a request does, as far as access is concerned; a {@link Role} grants a set of these. */
public enum Permission {
  /** Read a model's metadata, readiness, statistics and registry entries. */
  READ("read models"),
  /** Run inference on a model. */
  INFER("run inference"),
  /** Change models: push, alias, tag, describe, deploy, promote, roll back, delete, load. */
  WRITE("change models"),
  /** The server as a whole: API keys, the audit log, backups. */
  ADMIN("administer the server");

  private final String description;

  Permission(String description) {
    this.description = description;
  }

  /** A verb phrase for messages, e.g. "run inference". */
  public String description() {
    return description;
  }
}
