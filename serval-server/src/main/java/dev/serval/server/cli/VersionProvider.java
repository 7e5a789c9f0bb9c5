package dev.serval.server.cli;

import dev.serval.server.ServalServer;
import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest, or "development" when run from classes. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"serval " + ServalServer.version()};
  }
}
