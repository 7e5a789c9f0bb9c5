package dev.serval.server.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.core.UnauthenticatedException;
import dev.serval.security.Actor;
import dev.serval.security.ApiKeys;
import dev.serval.security.CreatedKey;
import dev.serval.security.NewKey;
import dev.serval.security.RateLimiter;
import dev.serval.security.Role;
import dev.serval.server.api.RequestAttributes;
import dev.serval.store.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardTest {
  @TempDir Path dir;
  private Database db;

  @AfterEach
  void close() {
    db.close();
  }

  private ApiKeys keys() {
    db = Database.h2(dir, "keys");
    return ApiKeys.builder().database(db).build();
  }

  @Test
  void putsTheAuthenticatedKeyIdIntoTheRequestContext() {
    ApiKeys keys = keys();
    CreatedKey created = keys.create(
        new NewKey("app", Role.INFERENCE, List.of(), Optional.empty(), Actor.local("t")));
    Guard guard = new Guard(keys, RateLimiter.builder().build(), null);
    ServiceRequestContext ctx = context("Bearer " + created.token());

    Caller caller = guard.authenticate(ctx);

    assertThat(caller.key().id()).isEqualTo(created.key().id());
    assertThat(ctx.attr(RequestAttributes.KEY_ID)).isEqualTo(created.key().id());
    assertThat(ctx.attr(Guard.ACTOR)).isEqualTo(Actor.of(created.key()));
  }

  @Test
  void refusesAnotherAuthorizationScheme() {
    Guard guard = new Guard(keys(), RateLimiter.builder().build(), null);

    assertThatThrownBy(() -> guard.authenticate(context("Basic dXNlcjpwYXNz")))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("'Bearer <API key>'");
  }

  private static ServiceRequestContext context(String authorization) {
    return ServiceRequestContext.of(HttpRequest.of(
        RequestHeaders.builder(HttpMethod.GET, "/v2").set("authorization", authorization)
            .build()));
  }
}
