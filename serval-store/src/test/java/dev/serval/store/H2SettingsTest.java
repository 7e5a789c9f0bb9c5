package dev.serval.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class H2SettingsTest {
  @Test
  void appendsEveryPostgresCompatibleDefault() {
    assertThat(H2Settings.merge("jdbc:h2:mem:x"))
        .isEqualTo(
            "jdbc:h2:mem:x;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + ";LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void keepsWhatTheUrlSetsInAnyCase() {
    assertThat(H2Settings.merge("jdbc:h2:mem:x;lock_timeout=50;DB_CLOSE_ON_EXIT=TRUE"))
        .isEqualTo(
            "jdbc:h2:mem:x;lock_timeout=50;DB_CLOSE_ON_EXIT=TRUE;MODE=PostgreSQL"
                + ";DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
  }

  @Test
  void recognisesOnlyH2Urls() {
    assertThat(H2Settings.isH2("jdbc:h2:file:/tmp/x")).isTrue();
    assertThat(H2Settings.isH2("jdbc:postgresql://127.0.0.1/db")).isFalse();
  }
}
