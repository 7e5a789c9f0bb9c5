package dev.serval.server.security.internal;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.security.Permission;
import dev.serval.server.api.RouteTemplates;
import dev.serval.server.api.internal.AsyncRoutes;
import dev.serval.server.management.ManagementApi;
import dev.serval.server.security.internal.Access.Scope;
import java.util.HashMap;
import java.util.Map;

/**
 * What each REST route needs, by method and route pattern. Routes not listed here (added by
 * other features) are classified by shape: inference and reads under {@code /v2/models/{model}}
 * need a key for that model, anything else an admin key.
 */
final class RestAccess {
  private static final String MODELS = ManagementApi.PREFIX;
  private static final String MODEL = MODELS + "/{model}";
  private static final String V2_MODEL = "/v2/models/{model}";
  private static final String V2_VERSION = V2_MODEL + "/versions/{version}";
  static final String KEYS = "/api/v1/keys";
  static final String AUDIT = "/api/v1/audit";
  static final String JOBS = "/api/v1/jobs";

  private final Map<String, Access> routes = new HashMap<>();

  RestAccess() {
    open("GET /v2/health/live", "GET /v2/health/ready", "GET /metrics");
    put("GET /v2", Access.read(Scope.NONE, null));
    put("GET " + ManagementApi.OPENAPI_PATH, Access.read(Scope.NONE, null));
    put("GET /v2/models/stats", Access.read(Scope.ALL, null));
    put("POST /v2/repository/index", Access.read(Scope.ALL, null));
    for (String model : new String[] {V2_MODEL, V2_VERSION}) {
      put("POST " + model + "/infer", new Access(Permission.INFER, Scope.MODEL, null, false));
      put("POST " + model + "/batch", new Access(Permission.INFER, Scope.MODEL, null, false));
      for (String suffix : new String[] {"", "/ready", "/stats"}) {
        put("GET " + model + suffix, Access.read(Scope.MODEL, null));
      }
    }
    put("POST /v2/repository/models/{model}/load", Access.write("repository.load"));
    put("POST /v2/repository/models/{model}/unload", Access.write("repository.unload"));
    asyncResults();
    management();
    jobs();
    put("POST " + KEYS, Access.admin("keys.create", true));
    put("GET " + KEYS, Access.admin("keys.list", false));
    put("DELETE " + KEYS + "/{id}", Access.admin("keys.revoke", true));
    put("GET " + AUDIT, Access.admin("audit.read", false));
  }

  /**
   * An asynchronous result is named by a random 122-bit UUID that only its submitter learned, so
   * any inference key may fetch it: the id is the capability, as with a pre-signed URL.
   */
  private void asyncResults() {
    Access infer = new Access(Permission.INFER, Scope.NONE, null, false);
    put("GET " + AsyncRoutes.PREFIX + "{id}", infer);
    put("GET " + AsyncRoutes.PREFIX + "{id}/status", infer);
    put("DELETE " + AsyncRoutes.PREFIX + "{id}", infer);
  }

  /** A job runs any command on the worker's machine, so starting or stopping one is an admin's. */
  private void jobs() {
    put("POST " + JOBS, Access.admin("jobs.submit", true));
    put("POST " + JOBS + "/{id}/cancel", Access.admin("jobs.cancel", true));
    for (String read : new String[] {"", "/{id}", "/{id}/logs", "/{id}/metrics",
        "/{id}/metrics.svg"}) {
      put("GET " + JOBS + read, Access.read(Scope.NONE, null));
    }
  }

  private void management() {
    put("GET " + MODELS, Access.read(Scope.ALL, "models.list"));
    put("GET " + MODEL, Access.read(Scope.MODEL, "models.get"));
    put("GET " + MODEL + "/versions", Access.read(Scope.MODEL, "versions.list"));
    put("GET " + MODEL + "/versions/{version}", Access.read(Scope.MODEL, "versions.get"));
    put("GET " + MODEL + "/deployment", Access.read(Scope.MODEL, "deployment.get"));
    put("POST " + MODEL + "/versions", Access.write("models.push"));
    put("DELETE " + MODEL, Access.write("models.delete"));
    put("PATCH " + MODEL, Access.write("models.describe"));
    put("PATCH " + MODEL + "/versions/{version}", Access.write("versions.describe"));
    put("DELETE " + MODEL + "/versions/{version}", Access.write("versions.delete"));
    put("PUT " + MODEL + "/aliases/{alias}", Access.write("aliases.set"));
    put("DELETE " + MODEL + "/aliases/{alias}", Access.write("aliases.remove"));
    put("PUT " + MODEL + "/tags/{key}", Access.write("tags.set"));
    put("DELETE " + MODEL + "/tags/{key}", Access.write("tags.remove"));
    put("PUT " + MODEL + "/versions/{version}/tags/{key}", Access.write("tags.set"));
    put("DELETE " + MODEL + "/versions/{version}/tags/{key}", Access.write("tags.remove"));
    put("PUT " + MODEL + "/deployment", Access.write("deployment.set"));
    put("DELETE " + MODEL + "/deployment", Access.write("deployment.clear"));
    put("POST " + MODEL + "/deployment/promote", Access.write("deployment.promote"));
    put("POST " + MODEL + "/deployment/rollback", Access.write("deployment.rollback"));
    put("POST " + MODEL + "/versions/{version}/compress", Access.write("versions.compress"));
    put("GET " + MODEL + "/versions/{version}/compression",
        Access.read(Scope.MODEL, "versions.compression"));
  }

  Access of(ServiceRequestContext ctx) {
    if (ctx.config().route().isFallback()) {
      return Access.OPEN; // answers 404 and nothing else
    }
    String pattern = RouteTemplates.of(ctx);
    HttpMethod method = ctx.method();
    Access listed = routes.get(method + " " + pattern);
    if (listed != null) {
      return listed;
    }
    if (pattern.startsWith(V2_MODEL + "/") || pattern.equals(V2_MODEL)) {
      if (method == HttpMethod.GET) {
        return Access.read(Scope.MODEL, null);
      }
      if (method == HttpMethod.POST && pattern.contains("/infer")) {
        return new Access(Permission.INFER, Scope.MODEL, null, false);
      }
    }
    return method == HttpMethod.GET ? Access.UNKNOWN_READ
        : Access.admin(method + " " + pattern, true);
  }

  private void open(String... routes) {
    for (String route : routes) {
      put(route, Access.OPEN);
    }
  }

  private void put(String route, Access access) {
    routes.put(route, access);
  }
}
