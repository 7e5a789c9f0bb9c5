package dev.serval.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.common.SessionProtocol;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallerEventLoopsTest {
  private static final Endpoint REPLICA = Endpoint.of("127.0.0.1", 8001);

  private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(3);
  private final CallerEventLoops scheduler = new CallerEventLoops(group);

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void callFromAnEventLoopStaysOnThatLoop() throws Exception {
    for (EventExecutor executor : group) {
      EventLoop loop = (EventLoop) executor;

      EventLoop chosen = loop.submit(this::acquire).get();

      assertThat(chosen).isSameAs(loop);
    }
  }

  @Test
  void callsFromOtherThreadsTakeTheLoopsInTurn() {
    Set<EventLoop> chosen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      chosen.add(acquire());
    }

    Set<EventExecutor> all = new HashSet<>();
    group.forEach(all::add);
    assertThat(chosen).hasSize(3).isEqualTo(all);
  }

  private EventLoop acquire() {
    return scheduler.acquire(SessionProtocol.H2C, REPLICA, REPLICA).get();
  }
}
