package dev.serval.server.api.internal;

import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Applies a {@link VersionResolver} to a route's {@code {version}}. Numbers (and routes without
 * a version) pass through on the calling thread; aliases are looked up on a blocking-task
 * thread since the lookup may query the registry's database (when its cache is cold).
 */
public final class PathVersions {
  private final VersionResolver resolver;

  public PathVersions(VersionResolver resolver) {
    this.resolver = resolver;
  }

  /** The serving version for the request's path: null when the route names none. */
  CompletableFuture<String> resolve(ServiceRequestContext ctx) {
    return resolve(ctx.pathParam("model"), ctx.pathParam("version"), ctx.blockingTaskExecutor());
  }

  /**
   * The serving version of {@code model} that {@code version} names: null and numbers at once,
   * aliases on {@code blocking}.
   */
  public CompletableFuture<String> resolve(String model, String version, Executor blocking) {
    if (version == null || isNumber(version)) {
      return CompletableFuture.completedFuture(version);
    }
    return CompletableFuture.supplyAsync(() -> resolver.resolve(model, version), blocking);
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
