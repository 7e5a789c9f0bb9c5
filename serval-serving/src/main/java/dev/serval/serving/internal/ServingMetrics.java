package dev.serval.serving.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/** Serving's Micrometer meters: one set per model version and the loaded-models gauge. */
public final class ServingMetrics {
  private final MeterRegistry registry;
  private final Map<String, VersionMeters> byVersion = new ConcurrentHashMap<>();

  /**
   * @param loadedVersions how many model versions are ready; sampled by the gauge
   */
  public ServingMetrics(MeterRegistry registry, IntSupplier loadedVersions) {
    this.registry = registry;
    Gauge.builder("serval.models.loaded", loadedVersions, IntSupplier::getAsInt)
        .description("Model versions loaded and ready")
        .strongReference(true)
        .register(registry);
  }

  VersionMeters forVersion(String model, String version) {
    return byVersion.computeIfAbsent(
        key(model, version), k -> new VersionMeters(registry, model, version));
  }

  /** Drops a version's meters once it is unloaded (not when it is reloaded). */
  void remove(String model, String version) {
    VersionMeters meters = byVersion.remove(key(model, version));
    if (meters != null) {
      meters.remove();
    }
  }

  private static String key(String model, String version) {
    return model + '\u0000' + version;
  }
}
