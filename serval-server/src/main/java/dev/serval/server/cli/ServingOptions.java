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

  @Option(
      names = "--async-retention",
      paramLabel = "DURATION",
      description = "How long asynchronous and batch results are kept, e.g. 90m, 24h, 7d"
          + " (default: ${DEFAULT-VALUE}).")
  String asyncRetention = "24h";

  @Option(
      names = "--async-max-backlog",
      paramLabel = "N",
      description = "Unfinished asynchronous requests and batches beyond which submissions get"
          + " 429 (default: ${DEFAULT-VALUE}).")
  int asyncMaxBacklog = 10_000;

  @Option(
      names = "--async-workers",
      paramLabel = "N",
      description = "Asynchronous requests and batches this node runs at once (default:"
          + " ${DEFAULT-VALUE}).")
  int asyncWorkers = 4;

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

  Duration asyncRetention() {
    return parseDuration("--async-retention", asyncRetention);
  }

  int asyncMaxBacklog() {
    return atLeastOne("--async-max-backlog", asyncMaxBacklog);
  }

  int asyncWorkers() {
    return atLeastOne("--async-workers", asyncWorkers);
  }

  private static int atLeastOne(String option, int value) {
    if (value < 1) {
      throw new UsageException(option + " must be at least 1 but was " + value);
    }
    return value;
  }

  /** A positive number with an s, m, h or d suffix. */
  static Duration parseDuration(String option, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    int unit = value.isEmpty() ? -1 : "smhd".indexOf(value.charAt(value.length() - 1));
    long number = -1;
    if (unit >= 0) {
      try {
        number = Long.parseLong(value.substring(0, value.length() - 1));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    if (number <= 0 || number > 100_000) {
      throw new UsageException(
          option + " must be a positive duration such as 90m, 24h or 7d but was '" + text + "'");
    }
    long[] seconds = {1, 60, 3600, 86_400};
    return Duration.ofSeconds(number * seconds[unit]);
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
