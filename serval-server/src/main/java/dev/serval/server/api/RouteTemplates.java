package dev.serval.server.api;

import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The path template of the route that served a request, such as {@code
 * /v2/models/{model}/infer}: the form the access rules, access log, metrics and traces use.
 */
public final class RouteTemplates {
  private static final Pattern PATH_PARAMETER = Pattern.compile("/:([^/]+)");
  /**
   * Armeria writes path parameters as {@code /:model}. Kept per route pattern (a server has few)
   * because a regex replacement on every request showed on the request path.
   */
  private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

  private RouteTemplates() {}

  public static String of(ServiceRequestContext ctx) {
    return TEMPLATES.computeIfAbsent(
        ctx.config().route().patternString(),
        pattern -> PATH_PARAMETER.matcher(pattern).replaceAll("/{$1}"));
  }
}
