package dev.serval.server.security.internal;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.core.InvalidInputException;
import dev.serval.security.Actor;
import dev.serval.security.ApiKeys;
import dev.serval.security.AuditLog;
import dev.serval.security.AuditQuery;
import dev.serval.security.CreatedKey;
import dev.serval.security.NewKey;
import dev.serval.security.RateLimit;
import dev.serval.security.Role;
import dev.serval.server.api.internal.HttpErrors;
import dev.serval.server.management.internal.ManagementJson;
import dev.serval.server.management.internal.Queries;
import dev.serval.server.security.SecurityJson;
import dev.serval.server.security.SecurityJson.CreateKeyRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/keys} (create, list, revoke) and {@code GET /api/v1/audit}. Both read and
 * write the database, so they run on the blocking task executor.
 */
final class KeysApi {
  private static final Set<String> AUDIT_PARAMS =
      Set.of("actor", "action", "model", "since", "limit", "after");

  /** Null when keys are off: the routes then explain how to turn them on. */
  private final ApiKeys keys;
  private final AuditLog audit;
  private final HttpErrors errors;

  KeysApi(ApiKeys keys, AuditLog audit, HttpErrors errors) {
    this.keys = keys;
    this.audit = audit;
    this.errors = errors;
  }

  void registerOn(ServerBuilder sb) {
    sb.route().post(RestAccess.KEYS).build(this::create);
    sb.route().get(RestAccess.KEYS).build((ctx, req) -> errors.blocking(ctx, () -> {
      Queries.allowOnly(ctx.queryParams(), Set.of());
      return ok(SecurityJson.keys(keys().list()));
    }));
    sb.route().delete(RestAccess.KEYS + "/{id}").build((ctx, req) -> errors.blocking(ctx, () -> {
      Queries.allowOnly(ctx.queryParams(), Set.of());
      return ok(SecurityJson.key(keys().revoke(ctx.pathParam("id"))));
    }));
    sb.route().get(RestAccess.AUDIT).build((ctx, req) -> errors.blocking(ctx,
        () -> ok(SecurityJson.audit(audit.query(auditQuery(ctx.queryParams()))))));
  }

  private HttpResponse create(ServiceRequestContext ctx, HttpRequest req) {
    Queries.allowOnly(ctx.queryParams(), Set.of());
    return HttpResponse.of(req.aggregate().thenApplyAsync(body -> {
      CreateKeyRequest request = ManagementJson.read(
          body.content().array(), CreateKeyRequest.class, "key request");
      Actor by = ctx.attr(Guard.ACTOR);
      CreatedKey created = keys().create(newKey(request, by));
      ctx.setAttr(AuditRecorder.DETAIL, created.key().summary());
      ResponseHeaders headers = ResponseHeaders.builder(HttpStatus.CREATED)
          .contentType(MediaType.JSON_UTF_8)
          .set(HttpHeaderNames.LOCATION, RestAccess.KEYS + "/" + created.key().id())
          .build();
      return HttpResponse.of(headers, HttpData.wrap(
          SecurityJson.created(created)));
    }, ctx.blockingTaskExecutor()).exceptionally(errors::toResponse));
  }

  private static NewKey newKey(CreateKeyRequest request, Actor by) {
    if (request.name() == null || request.role() == null) {
      throw new InvalidInputException("missing field '"
          + (request.name() == null ? "name" : "role") + "' in key request");
    }
    return new NewKey(request.name(), Role.parse(request.role()),
        request.models() == null ? List.of() : request.models(),
        Optional.ofNullable(request.rateLimit()).map(RateLimit::parse), by);
  }

  private ApiKeys keys() {
    if (keys == null) {
      throw new InvalidInputException("API keys are off on this server: start it with"
          + " ./serval serve --auth to use them");
    }
    return keys;
  }

  private static AuditQuery auditQuery(QueryParams query) {
    Queries.allowOnly(query, AUDIT_PARAMS);
    String after = Queries.single(query, "after");
    return new AuditQuery(
        Queries.single(query, "actor"),
        Queries.single(query, "action"),
        Queries.single(query, "model"),
        since(Queries.single(query, "since")),
        after == null ? null : cursor(after),
        Queries.integer(query, "limit", AuditQuery.DEFAULT_LIMIT, 1, AuditQuery.MAX_LIMIT));
  }

  private static Instant since(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("query parameter 'since' must be a UTC time such as"
          + " 2026-01-31T12:00:00Z but was '" + text + "'");
    }
  }

  private static Long cursor(String text) {
    try {
      return Long.valueOf(text);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "query parameter 'after' must be the 'next' of the previous page but was '" + text
              + "'");
    }
  }

  private static HttpResponse ok(byte[] json) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, json);
  }
}
