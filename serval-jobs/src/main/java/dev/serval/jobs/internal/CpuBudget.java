package dev.serval.jobs.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU threads a job may use. Numeric libraries (OpenMP, MKL, OpenBLAS) and the JVM are told
 * through the environment; where {@code taskset} exists, the process is also pinned to that many
 * cores, chosen by the worker slot so that concurrent jobs do not share cores.
 *
 * @param cpus the cores to pin to, or empty when not pinning
 */
public record CpuBudget(int threads, List<Integer> cpus, Optional<Path> taskset) {
  private static final List<String> THREAD_VARIABLES =
      List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
          "SERVAL_CPU_THREADS");
  private static final String JVM_OPTIONS = "JAVA_TOOL_OPTIONS";

  public CpuBudget {
    cpus = List.copyOf(cpus);
  }

  /** {@code threads} cores starting at {@code slot * threads}, wrapping, when fewer than all. */
  public static CpuBudget forSlot(int slot, int threads, int available, Optional<Path> taskset) {
    if (taskset.isEmpty() || threads >= available) {
      return new CpuBudget(threads, List.of(), Optional.empty());
    }
    List<Integer> cpus = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      cpus.add((slot * threads + i) % available);
    }
    return new CpuBudget(threads, cpus, taskset);
  }

  /** {@code taskset} on the PATH given, if any. */
  public static Optional<Path> findTaskset(String path) {
    return ProgramLookup.onPath("taskset", path).filter(Files::isExecutable);
  }

  /** The command, prefixed to pin it to the cores when pinning. */
  public List<String> wrap(List<String> command) {
    if (cpus.isEmpty()) {
      return command;
    }
    List<String> out = new ArrayList<>();
    out.add(taskset.orElseThrow().toString());
    out.add("-c");
    out.add(String.join(",", cpus.stream().map(String::valueOf).toList()));
    out.addAll(command);
    return out;
  }

  /** Sets the thread variables, and bounds the JVM's processor count for Java trainers. */
  public void applyTo(Map<String, String> env) {
    for (String name : THREAD_VARIABLES) {
      env.put(name, Integer.toString(threads));
    }
    String jvm = env.getOrDefault(JVM_OPTIONS, "");
    env.put(JVM_OPTIONS, (jvm.isBlank() ? "" : jvm + " ") + "-XX:ActiveProcessorCount=" + threads);
  }
}
