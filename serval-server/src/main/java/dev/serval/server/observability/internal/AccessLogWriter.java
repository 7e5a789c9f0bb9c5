package dev.serval.server.observability.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats and writes access log lines on its own thread, so that the event loop that finishes a
 * request only queues it. The queue is bounded: when the output cannot keep up, lines are dropped
 * and counted rather than slowing requests down or growing the heap.
 */
public final class AccessLogWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);
  private static final CompletedRequest END = new CompletedRequest(
      null, null, null, null, null, null, null, null, 0, null, 0, 0, 0, null, null, null);

  private final BlockingQueue<CompletedRequest> queue;
  private final Writer out;
  private final boolean closeOutput;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;
  /** Touched by the writer thread only. */
  private boolean warned;

  /**
   * @param closeOutput whether {@link #close()} closes {@code out} (not for standard output)
   */
  public AccessLogWriter(
      OutputStream out, boolean closeOutput, int capacity, ThreadFactory threads) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    this.closeOutput = closeOutput;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = threads.newThread(this::run);
    thread.start();
  }

  /** Queues a line; never blocks. */
  public void write(CompletedRequest request) {
    if (closed || !queue.offer(request)) {
      dropped.incrementAndGet();
    }
  }

  /** Lines dropped because the queue was full, the output failed, or the log was closed. */
  public long dropped() {
    return dropped.get();
  }

  /** Writes what is queued, then stops the thread and flushes (and maybe closes) the output. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(END);
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        if (closeOutput) {
          out.close();
        } else {
          out.flush();
        }
      } catch (IOException e) {
        LOG.warn("could not close the access log: {}", e.toString());
      }
    }
  }

  private void run() {
    List<CompletedRequest> batch = new ArrayList<>();
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch);
        if (!writeAll(batch)) {
          return;
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes a batch and flushes once; false once the end marker is reached. */
  private boolean writeAll(List<CompletedRequest> batch) {
    boolean more = true;
    for (CompletedRequest request : batch) {
      if (request == END) {
        more = false;
        break;
      }
      try {
        AccessLogFormat.write(request, out);
      } catch (RuntimeException e) {
        fail(e);
      }
    }
    try {
      out.flush();
    } catch (IOException e) {
      fail(e);
    }
    return more;
  }

  /** A full disk should not flood the log with one warning per request. */
  private void fail(Exception e) {
    dropped.incrementAndGet();
    if (!warned) {
      warned = true;
      LOG.warn("could not write the access log ({}); lines are dropped until it can", e.toString());
    }
  }
}
