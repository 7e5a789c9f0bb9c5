package dev.serval.bench.internal;

import java.util.Map;
import java.util.function.Consumer;

/** The {@code --name value} options of a benchmark's {@code main}. */
public final class OptionPairs {
  private OptionPairs() {}

  /**
   * Hands each option's value to its handler, in order.
   *
   * @throws IllegalArgumentException for an option without a handler, or a value a handler
   *     refuses (a {@link NumberFormatException} is one)
   */
  public static void apply(String[] args, Map<String, Consumer<String>> handlers) {
    for (int i = 0; i < args.length; i += 2) {
      Consumer<String> handler = handlers.get(args[i]);
      if (handler == null) {
        throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
      handler.accept(i + 1 < args.length ? args[i + 1] : "");
    }
  }
}
