package dev.serval.compress.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The SIMD features that decide whether int8 kernels beat float ones on this CPU. */
public final class CpuFeatures {
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private CpuFeatures() {}

  /** E.g. "AVX, AVX2, AVX-512, VNNI" or "AVX, no AVX2, no VNNI", read from a cpuinfo file. */
  public static String describe(Path cpuinfo) {
    Set<String> flags;
    try {
      flags = Files.readAllLines(cpuinfo).stream()
          .filter(line -> line.startsWith("flags"))
          .findFirst()
          .map(line -> Set.of(SPACES.split(line.substring(line.indexOf(':') + 1).strip())))
          .orElse(Set.of());
    } catch (IOException e) {
      return "unknown SIMD features (" + cpuinfo + " is not readable)";
    }
    if (flags.isEmpty()) {
      return "unknown SIMD features";
    }
    List<String> parts = new ArrayList<>();
    parts.add(flags.contains("avx") ? "AVX" : "no AVX");
    parts.add(flags.contains("avx2") ? "AVX2" : "no AVX2");
    if (flags.contains("avx512f")) {
      parts.add("AVX-512");
    }
    parts.add(hasVnni(flags) ? "VNNI" : "no VNNI");
    return String.join(", ", parts);
  }

  /** Whether int8 dot products have their own instructions (AVX-512 VNNI or AVX-VNNI). */
  public static boolean hasVnni(Set<String> flags) {
    return flags.contains("avx512_vnni") || flags.contains("avx_vnni");
  }
}
