package dev.serval.tune.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.store.Database;
import dev.serval.tune.Study;
import dev.serval.tune.sampler.RandomSampler;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A storage over a database another component owns, as the server's registry database is. */
class JdbcStudyStorageSharedDatabaseTest {
  @TempDir Path dir;

  @Test
  void leavesABorrowedDatabaseOpenOnClose() {
    try (Database db = Database.h2(dir, "shared")) {
      JdbcStudyStorage first = JdbcStudyStorage.builder().database(db).build();
      study(first).optimize(t -> t.doubleParam("lr"), 3);
      first.close();

      try (JdbcStudyStorage second = JdbcStudyStorage.builder().database(db).build()) {
        assertThat(second.trials("s")).hasSize(3);
      }
    }
  }

  @Test
  void deletesAStudyWithItsTrialsSoThatTheNameStartsAfresh() {
    try (Database db = Database.h2(dir, "shared");
        JdbcStudyStorage storage = JdbcStudyStorage.builder().database(db).build()) {
      study(storage).optimize(t -> t.doubleParam("lr"), 2);

      assertThat(storage.deleteStudy("s")).isTrue();
      assertThat(storage.deleteStudy("s")).isFalse();
      assertThat(storage.trials("s")).isEmpty();
      Study again = study(storage);
      assertThat(again.ask().number()).isZero();
    }
  }

  private static Study study(JdbcStudyStorage storage) {
    return Study.builder().name("s").space(JdbcStudyStorageTest.SPACE)
        .sampler(new RandomSampler()).seed(1).storage(storage).build();
  }
}
