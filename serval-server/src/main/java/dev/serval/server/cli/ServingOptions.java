package dev.serval.server.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How the server runs its models; shared by the commands that start one. */
final class ServingOptions {
  @Option(
      names = "--memory-budget",
      paramLabel = "SIZE",
      description = "Refuse to load a model version that would take the loaded models' estimated"
          + " memory over SIZE (e.g. 512m, 4g; default: no limit). Refused loads answer 507.")
  String memoryBudget;

  @Option(
      names = "--poll",
      description = "Watch the model repository: a new or changed version folder is validated and"
          + " rolled out; one that fails validation is reported and ignored.")
  boolean poll;

  @Option(
      names = "--poll-interval",
      paramLabel = "SECONDS",
      defaultValue = "2",
      description = "How often --poll looks at the repository (default: ${DEFAULT-VALUE} s).")
  double pollIntervalSeconds;

  @Mixin ObservabilityOptions observability = new ObservabilityOptions();

  /** The budget in bytes, or 0 for none. */
  long memoryBudgetBytes() {
    return memoryBudget == null ? 0 : parseSize("--memory-budget", memoryBudget);
  }

  Duration pollInterval() {
    if (!(pollIntervalSeconds >= 0.1 && pollIntervalSeconds <= 3600)) {
      throw new UsageException(
          "--poll-interval must be between 0.1 and 3600 seconds but was " + pollIntervalSeconds);
    }
    return Duration.ofMillis(Math.round(pollIntervalSeconds * 1000));
  }

  /** Bytes, or a number with a k, m, g or t suffix (powers of 1024). */
  static long parseSize(String option, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    int shift = 0;
    if (!value.isEmpty()) {
      int unit = "kmgt".indexOf(value.charAt(value.length() - 1));
      if (unit >= 0) {
        shift = 10 * (unit + 1);
        value = value.substring(0, value.length() - 1);
      }
    }
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (number <= 0 || number > (Long.MAX_VALUE >> shift)) {
      throw new UsageException(
          option + " must be a positive size such as 512m or 4g but was '" + text + "'");
    }
    return number << shift;
  }
}
