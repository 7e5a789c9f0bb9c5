package dev.serval.serving.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Serving's Micrometer meters: one set per model version, the shadow copies, the loaded-models and
 * the estimated-memory gauges.
 */
public final class ServingMetrics {
  private static final String SHADOW_REQUESTS = "serval.shadow.requests";

  private final MeterRegistry registry;
  private final Map<String, VersionMeters> byVersion = new ConcurrentHashMap<>();

  /**
   * @param loadedVersions how many model versions are ready; sampled by the gauge
   * @param estimatedBytes the estimated memory of the loaded versions; sampled by the gauge
   */
  public ServingMetrics(
      MeterRegistry registry, IntSupplier loadedVersions, LongSupplier estimatedBytes) {
    this.registry = registry;
    Gauge.builder("serval.models.loaded", loadedVersions, IntSupplier::getAsInt)
        .description("Model versions loaded and ready")
        .strongReference(true)
        .register(registry);
    Gauge.builder("serval.memory.estimated", estimatedBytes, LongSupplier::getAsLong)
        .description(
            "Estimated resident memory of the loaded model versions (artifact size and"
                + " session overhead per instance), including versions being loaded or drained")
        .baseUnit(BaseUnits.BYTES)
        .strongReference(true)
        .register(registry);
  }

  VersionMeters forVersion(String model, String version) {
    return byVersion.computeIfAbsent(
        key(model, version), k -> new VersionMeters(registry, model, version));
  }

  /** The counter of shadow copies sent to a version that ended with {@code outcome}. */
  Counter shadowRequests(String model, String version, String outcome) {
    return Counter.builder(SHADOW_REQUESTS)
        .description("Copies of default-routed requests sent to a shadow version, by outcome")
        .tags("model", model, "version", version, "outcome", outcome)
        .register(registry);
  }

  /** Drops a version's meters once it is unloaded (not when it is reloaded). */
  void remove(String model, String version) {
    VersionMeters meters = byVersion.remove(key(model, version));
    if (meters != null) {
      meters.remove();
    }
    registry
        .find(SHADOW_REQUESTS)
        .tags("model", model, "version", version)
        .meters()
        .forEach(registry::remove);
  }

  private static String key(String model, String version) {
    return model + '\u0000' + version;
  }
}
