package dev.serval.jobs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process with everything it started. The descendants are listed before anything is
 * signalled, since a child whose parent died is re-parented and no longer found under it.
 */
public final class ProcessTree {
  private static final long POLL_MILLIS = 20;

  private ProcessTree() {}

  /** Asks the whole tree to stop (SIGTERM), then kills what is left after {@code grace}. */
  public static void kill(ProcessHandle root, Duration grace) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (tree.stream().anyMatch(ProcessTree::isRunning) && System.nanoTime() < deadline) {
      sleep();
    }
    // Whatever the survivors started meanwhile goes too.
    List<ProcessHandle> rest = new ArrayList<>();
    for (ProcessHandle p : tree) {
      if (isRunning(p)) {
        p.descendants().forEach(rest::add);
        rest.add(p);
      }
    }
    rest.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Alive and not a zombie: an orphan that died stays a zombie until its new parent reaps it,
   * which an init process in a container may never do.
   */
  public static boolean isRunning(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      int afterName = stat.lastIndexOf(')');
      return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return process.isAlive();
    }
  }

  private static void sleep() {
    try {
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
