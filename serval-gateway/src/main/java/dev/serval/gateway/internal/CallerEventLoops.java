package dev.serval.gateway.internal;

import com.linecorp.armeria.client.EventLoopScheduler;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.util.ReleasableHolder;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts each upstream call on the event loop of the thread that makes it, when that is one of the
 * client's loops: the gateway's server and client share Armeria's worker group, so a request is
 * read, forwarded, answered by the replica and written back on one thread. Armeria's default
 * picks one loop per replica instead, and the two hand-offs between threads per request (a wakeup
 * each) cost more gateway CPU and latency than the forwarding itself. Each loop keeps its own
 * pooled connection to a replica. Calls from elsewhere (the health checks) take the loops in turn.
 */
public final class CallerEventLoops implements EventLoopScheduler {
  private final List<EventLoop> loops = new ArrayList<>();
  private final EventLoopGroup group;

  public CallerEventLoops(EventLoopGroup group) {
    this.group = group;
    for (EventExecutor executor : group) {
      loops.add((EventLoop) executor);
    }
  }

  @Override
  public ReleasableHolder<EventLoop> acquire(SessionProtocol protocol, EndpointGroup endpointGroup,
      Endpoint endpoint) {
    EventLoop loop = current();
    return new Held(loop != null ? loop : group.next());
  }

  private EventLoop current() {
    for (EventLoop loop : loops) {
      if (loop.inEventLoop()) {
        return loop;
      }
    }
    return null;
  }

  /** Nothing to give back: no per-loop counts are kept. */
  private record Held(EventLoop get) implements ReleasableHolder<EventLoop> {
    @Override
    public void release() {}
  }
}
