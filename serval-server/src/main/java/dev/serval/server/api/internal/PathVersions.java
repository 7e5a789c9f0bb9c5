package dev.serval.server.api.internal;

import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.concurrent.CompletableFuture;

/**
 * Applies a {@link VersionResolver} to a route's {@code {version}}. Numbers (and routes without
 * a version) pass through on the calling thread; aliases are looked up on a blocking-task
 * thread since the lookup may query the registry's database (when its cache is cold).
 */
final class PathVersions {
  private final VersionResolver resolver;

  PathVersions(VersionResolver resolver) {
    this.resolver = resolver;
  }

  /** The serving version for the request's path: null when the route names none. */
  CompletableFuture<String> resolve(ServiceRequestContext ctx) {
    String version = ctx.pathParam("version");
    if (version == null || isNumber(version)) {
      return CompletableFuture.completedFuture(version);
    }
    String model = ctx.pathParam("model");
    return CompletableFuture.supplyAsync(
        () -> resolver.resolve(model, version), ctx.blockingTaskExecutor());
  }

  static boolean isNumber(String version) {
    if (version.isEmpty()) {
      return false;
    }
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
