package dev.serval.bench;

/**
 * How a raw runtime phase spends threads: {@code instances} model copies run side by side, each
 * with {@code intraOpThreads} runtime threads, written {@code 2x1}.
 */
public record ThreadLayout(int instances, int intraOpThreads) {
  public ThreadLayout {
    if (instances < 1 || intraOpThreads < 1) {
      throw new IllegalArgumentException("thread layout needs instances >= 1 and intraOpThreads "
          + ">= 1 but was " + instances + "x" + intraOpThreads);
    }
  }

  /**
   * Parses {@code <instances>x<intraOpThreads>}, e.g. {@code 2x1}.
   *
   * @throws IllegalArgumentException when the text is not of that form
   */
  public static ThreadLayout parse(String text) {
    String[] parts = text.trim().split("x", -1);
    try {
      if (parts.length == 2) {
        return new ThreadLayout(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
      }
    } catch (NumberFormatException e) {
      // reported below with the expected form
    }
    throw new IllegalArgumentException(
        "thread layout must look like 2x1 (instances x intra-op threads) but was '" + text + "'");
  }

  @Override
  public String toString() {
    return instances + "x" + intraOpThreads;
  }
}
