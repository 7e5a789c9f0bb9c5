package dev.serval.server.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.security.Permission;
import org.junit.jupiter.api.Test;

class RestAccessTest {
  private final RestAccess access = new RestAccess();

  @Test
  void jobMetricsChartIsReadLikeTheMetricsSeries() {
    Access chart = of("/api/v1/jobs/{id}/metrics.svg", "/api/v1/jobs/4f2a/metrics.svg");

    assertThat(chart).isEqualTo(of("/api/v1/jobs/{id}/metrics", "/api/v1/jobs/4f2a/metrics"));
    assertThat(chart.permission()).isEqualTo(Permission.READ);
    assertThat(of("/api/v1/jobs/{id}/undescribed", "/api/v1/jobs/4f2a/undescribed"))
        .isEqualTo(Access.UNKNOWN_READ);
  }

  private Access of(String pattern, String path) {
    return access.of(ServiceRequestContext.builder(HttpRequest.of(HttpMethod.GET, path))
        .route(Route.builder().path(pattern).build()).build());
  }
}
