package dev.serval.gateway;

import com.linecorp.armeria.common.Flags;
import com.linecorp.armeria.common.util.EventLoopGroups;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** Event loops of Serval's Armeria servers: the gateway's and the API server's. */
public final class ServerLoops {
  /** Ample for a loop that only accepts connections and has nothing left to do. */
  private static final long STOP_TIMEOUT_SECONDS = 5;

  private ServerLoops() {}

  /**
   * The boss event loop of one port (it accepts connections), as Armeria makes it but stopping
   * without Netty's quiet period of 2 seconds. By then the server has drained its requests (its
   * own graceful shutdown), so the quiet period only made every stop 2 seconds longer: for a
   * user's Ctrl-C and for each of the hundreds of servers the tests start. For {@code
   * ServerBuilder.bossGroupFactory}; transports other than epoll and NIO keep Netty's stop.
   *
   * @param threadName the thread's name, which Armeria derives from the port
   */
  public static EventLoopGroup bossGroup(String threadName) {
    ThreadFactory thread = task -> new FastThreadLocalThread(task, threadName);
    // Accepted connections go to Armeria's worker loops: the boss loop must use their transport.
    return switch (Flags.transportType()) {
      case EPOLL -> new QuicklyStopping(thread, EpollIoHandler.newFactory());
      case NIO -> new QuicklyStopping(thread, NioIoHandler.newFactory());
      default -> EventLoopGroups.newEventLoopGroup(1, thread);
    };
  }

  /**
   * Armeria 1.36 stops a boss group through its loops' parent, with {@code shutdownGracefully()}
   * and no arguments: only a group of our own class can choose the quiet period there.
   */
  private static final class QuicklyStopping extends MultiThreadIoEventLoopGroup {
    QuicklyStopping(ThreadFactory thread, IoHandlerFactory io) {
      super(1, thread, io);
    }

    @Override
    public Future<?> shutdownGracefully() {
      return shutdownGracefully(0, STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }
}
