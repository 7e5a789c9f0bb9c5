package dev.serval.bench;

import java.nio.file.Path;

/**
 * Starts a Serval server with the registry's management API on a registry data folder, for the
 * registry benchmark; {@link RegistryBenchmark.Builder#serverCommand} gives the default, a server
 * in its own JVM.
 */
@FunctionalInterface
public interface RegistryServerStarter {
  /**
   * Starts a server whose registry keeps its metadata and artifacts in {@code dataDir}.
   *
   * @throws IllegalStateException when the server does not come up
   */
  RunningServer start(Path dataDir);
}
