package dev.serval.server;

import dev.serval.async.AsyncService;
import dev.serval.jobs.Jobs;
import dev.serval.registry.ModelRegistry;
import dev.serval.security.ApiKeys;
import dev.serval.server.management.CompressRoutes;
import dev.serval.server.studies.Studies;
import java.util.Objects;

/**
 * Every feature's tables in the registry's database. A server creates each as the feature
 * starts; a restore needs them all at once, before any row goes back, so that an archive of a
 * server's database fits a fresh one and each feature's Flyway history is the target's own.
 */
public final class FeatureTables {
  private FeatureTables() {}

  /** Creates or updates the tables of every feature beside the registry's (already migrated). */
  public static void migrate(ModelRegistry registry) {
    var db = Objects.requireNonNull(registry, "registry").database();
    ApiKeys.migrate(db);
    Jobs.migrate(db);
    AsyncService.migrate(db);
    Studies.migrate(db);
    CompressRoutes.migrate(db);
  }
}
