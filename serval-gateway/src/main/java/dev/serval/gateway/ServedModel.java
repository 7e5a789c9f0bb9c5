package dev.serval.gateway;

import java.util.Objects;

/** A model version an upstream reports READY in its repository index. */
public record ServedModel(String name, String version) {
  public ServedModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
  }
}
