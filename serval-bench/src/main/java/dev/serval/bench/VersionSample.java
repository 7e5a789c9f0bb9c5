package dev.serval.bench;

import java.util.Map;

/**
 * Which versions answered unversioned inference requests sent now and then beside the load, read
 * from each answer's {@code model_version}.
 *
 * @param answersByVersion successful answers per version
 * @param failed sampled requests that were not answered 200 with a version
 * @param firstError the first failure's description, or {@code null}
 */
public record VersionSample(Map<String, Long> answersByVersion, long failed, String firstError) {
  public VersionSample {
    answersByVersion = Map.copyOf(answersByVersion);
  }
}
