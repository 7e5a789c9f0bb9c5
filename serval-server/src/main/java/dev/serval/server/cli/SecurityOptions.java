package dev.serval.server.cli;

import dev.serval.core.InvalidInputException;
import dev.serval.security.Actor;
import dev.serval.security.ApiKeys;
import dev.serval.security.AuditLog;
import dev.serval.security.CreatedKey;
import dev.serval.security.NewKey;
import dev.serval.security.RateLimit;
import dev.serval.security.RateLimiter;
import dev.serval.security.Role;
import dev.serval.server.ServalServer;
import dev.serval.server.security.ServerSecurity;
import dev.serval.store.Database;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Who may call the server, how much, and over what; shared by the commands that start one. */
final class SecurityOptions {
  static final String BOOTSTRAP_KEY = "bootstrap";

  @Option(
      names = "--auth",
      description = "Require an API key on every request except the health probes and /metrics."
          + " When no key exists yet, creates an admin key and prints it once.")
  boolean auth;

  @Option(
      names = "--rate-limit",
      paramLabel = "RATE",
      description = "Default rate limit of each API key, RATE[/s|/m][:BURST] (e.g. 100/s,"
          + " 5/s:20; default: none). A key created with its own limit keeps it.")
  String rateLimit;

  @Option(
      names = "--model-rate-limit",
      paramLabel = "NAME=RATE",
      description = "Rate limit of all inference on one model, whichever key calls (e.g."
          + " mlp=50/s:100); may be repeated.")
  List<String> modelRateLimits = new ArrayList<>();

  @Option(
      names = "--max-concurrent-requests",
      paramLabel = "N",
      description = "At most N inference requests in flight per API key (per server without"
          + " --auth); more are refused with 429 (default: no limit).")
  int maxConcurrentRequests;

  @Option(
      names = "--max-request-size",
      paramLabel = "SIZE",
      description = "Largest request body, e.g. 64m (default); larger ones are refused with 413."
          + " Pushes to the registry have their own limit.")
  String maxRequestSize;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve HTTPS and gRPC over TLS with this PEM certificate chain (with"
          + " --tls-key).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The PEM (PKCS#8) private key of --tls-cert.")
  Path tlsKey;

  /** Applies the request size limit and TLS to the server. */
  void configure(ServalServer.Builder server) {
    if (maxRequestSize != null) {
      server.maxRequestBytes(ServingOptions.parseSize("--max-request-size", maxRequestSize));
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("give both --tls-cert and --tls-key, or neither");
    }
    if (tlsCert != null) {
      try {
        server.tls(tlsCert, tlsKey);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage() + " (--tls-cert, --tls-key)");
      }
    }
  }

  boolean tls() {
    return tlsCert != null;
  }

  /**
   * Keys (with --auth), limits and the audit log in the registry's database. With --auth and no
   * key yet, creates the first admin key and prints it.
   */
  ServerSecurity security(Database db, PrintStream out) {
    if (maxConcurrentRequests < 0) {
      throw new UsageException("--max-concurrent-requests must be 0 (no limit) or more but was "
          + maxConcurrentRequests);
    }
    AuditLog audit = AuditLog.on(db, Clock.systemUTC());
    ServerSecurity.Builder security = ServerSecurity.builder()
        .audit(audit)
        .rateLimiter(rateLimiter())
        .maxConcurrentRequests(maxConcurrentRequests);
    if (auth) {
      ApiKeys keys = ApiKeys.builder().database(db).build();
      if (keys.isEmpty()) {
        printBootstrapKey(KeysCommand.createLocally(keys, audit,
            new NewKey(BOOTSTRAP_KEY, Role.ADMIN, List.of(), Optional.empty(), localActor())),
            out);
      }
      security.keys(keys);
    }
    return security.build();
  }

  private RateLimiter rateLimiter() {
    RateLimiter.Builder rates = RateLimiter.builder();
    try {
      if (rateLimit != null) {
        rates.keyDefault(RateLimit.parse(rateLimit));
      }
      for (String entry : modelRateLimits) {
        int equals = entry.indexOf('=');
        if (equals < 1) {
          throw new UsageException(
              "--model-rate-limit must be NAME=RATE (e.g. mlp=50/s) but was '" + entry + "'");
        }
        rates.model(entry.substring(0, equals), RateLimit.parse(entry.substring(equals + 1)));
      }
    } catch (InvalidInputException e) {
      throw new UsageException(e.getMessage());
    }
    return rates.build();
  }

  static Actor localActor() {
    return Actor.local(System.getProperty("user.name", "unknown"));
  }

  private static void printBootstrapKey(CreatedKey created, PrintStream out) {
    out.println("API keys are on and none existed: created the admin key '"
        + created.key().name() + "' (id " + created.key().id() + ").");
    out.println("Store it now, it is not shown again (e.g. export SERVAL_API_KEY=<key>):");
    out.println("  " + created.token());
  }
}
