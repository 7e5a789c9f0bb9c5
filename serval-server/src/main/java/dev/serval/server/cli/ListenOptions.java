package dev.serval.server.cli;

import picocli.CommandLine.Option;

/** Where the server listens; shared by the commands that start one. */
final class ListenOptions {
  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}; use 0.0.0.0 for all interfaces).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8000",
      description = "Port for REST (and later gRPC) (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  void validate() {
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be between 0 and 65535 but was " + port);
    }
  }
}
