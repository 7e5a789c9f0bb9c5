package dev.serval.core.runtime;

/**
 * Settings a backend applies when loading a model. Build with {@link #builder()}.
 *
 * @param intraOpThreads threads one operator may use; 0 lets the runtime decide
 * @param interOpThreads threads for independent operators; 0 lets the runtime decide
 * @param optimizationLevel graph optimization: "none", "basic", "extended" or "all"
 * @param prepackWeights whether the runtime may keep weights in a second, compute-friendly layout:
 *     faster inference for a longer load and more memory, so worth it for a model that serves but
 *     not for one loaded to be checked and closed
 */
public record RuntimeOptions(
    int intraOpThreads, int interOpThreads, String optimizationLevel, boolean prepackWeights) {
  public RuntimeOptions {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0 but was " + intraOpThreads);
    }
    if (interOpThreads < 0) {
      throw new IllegalArgumentException("interOpThreads must be >= 0 but was " + interOpThreads);
    }
    if (!java.util.List.of("none", "basic", "extended", "all").contains(optimizationLevel)) {
      throw new IllegalArgumentException(
          "optimizationLevel must be none, basic, extended or all but was '"
              + optimizationLevel + "'");
    }
  }

  public static RuntimeOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Validating builder for {@link RuntimeOptions}. */
  public static final class Builder {
    private int intraOpThreads = 1;
    private int interOpThreads = 1;
    private String optimizationLevel = "all";
    private boolean prepackWeights = true;

    private Builder() {}

    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = threads;
      return this;
    }

    public Builder interOpThreads(int threads) {
      this.interOpThreads = threads;
      return this;
    }

    public Builder optimizationLevel(String level) {
      this.optimizationLevel = level;
      return this;
    }

    public Builder prepackWeights(boolean prepack) {
      this.prepackWeights = prepack;
      return this;
    }

    public RuntimeOptions build() {
      return new RuntimeOptions(intraOpThreads, interOpThreads, optimizationLevel, prepackWeights);
    }
  }
}
