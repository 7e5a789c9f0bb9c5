package dev.serval.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyCacheTest {
  private final AtomicLong now = new AtomicLong();
  private final List<String> loads = new ArrayList<>();
  private final KeyCache cache = new KeyCache(id -> {
    loads.add(id);
    return Optional.empty();
  }, now::get, 100, 3);

  @Test
  void loadsOncePerTimeToLive() {
    cache.get("a");
    now.set(99);
    cache.get("a");
    now.set(100);
    cache.get("a");

    assertThat(loads).containsExactly("a", "a");
  }

  @Test
  void loadsAgainAfterForget() {
    cache.get("a");
    cache.forget("a");
    cache.get("a");

    assertThat(loads).containsExactly("a", "a");
  }

  @Test
  void startsOverWhenFull() {
    for (String id : new String[] {"a", "b", "c", "d", "a"}) {
      cache.get(id);
    }

    assertThat(loads).containsExactly("a", "b", "c", "d", "a");
  }
}
