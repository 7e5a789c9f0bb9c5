package dev.serval.registry.backup;

import dev.serval.registry.Lineage;
import dev.serval.registry.ModelFilter;
import dev.serval.registry.ModelRecord;
import dev.serval.registry.ModelRegistry;
import dev.serval.registry.PageRequest;
import dev.serval.registry.VersionMetadata;
import dev.serval.registry.VersionRecord;
import dev.serval.registry.VersionState;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A registry with something of everything a backup must carry, and a way to compare two. */
final class SampleRegistry {
  static final String SIGNATURE =
      "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]}";

  private SampleRegistry() {}

  /** Everything visible through the registry's API, for equality checks. */
  record Contents(List<ModelRecord> models, Map<String, List<VersionRecord>> versions) {}

  /**
   * Two models: "classifier" with a READY version (signature, test cases, tags, alias), a FAILED
   * one and a derived one; "detector" sharing the classifier's content.
   */
  static void fill(ModelRegistry registry) {
    registry.createModel("classifier", "sorts things");
    registry.setModelTag("classifier", "team", "vision");
    registry.pushVersion("classifier", bytes("weights-1"),
        new VersionMetadata("first", Map.of("data", "2025-05"), Lineage.NONE),
        Optional.of(bytes("{\"cases\":[]}")));
    registry.setState("classifier", 1, VersionState.VALIDATING, "");
    registry.setSignature("classifier", 1, SIGNATURE);
    registry.setState("classifier", 1, VersionState.READY, "");
    registry.setAlias("classifier", "production", 1);
    registry.pushVersion("classifier", bytes("broken"), VersionMetadata.EMPTY);
    registry.setState("classifier", 2, VersionState.VALIDATING, "");
    registry.setState("classifier", 2, VersionState.FAILED, "not an ONNX model");
    registry.pushVersion("classifier", bytes("weights-1-int8"),
        VersionMetadata.EMPTY.withLineage(
            new Lineage("classifier", 1, null, "int8", "{\"per_channel\":true}")));
    registry.setVersionTag("classifier", 3, "quantized", "yes");

    registry.createModel("detector", "");
    registry.pushVersion("detector", bytes("weights-1"), VersionMetadata.EMPTY);
  }

  static Contents contents(ModelRegistry registry) {
    List<ModelRecord> models =
        registry.listModels(ModelFilter.ALL, PageRequest.first(1000)).items();
    Map<String, List<VersionRecord>> versions = new LinkedHashMap<>();
    for (ModelRecord model : models) {
      versions.put(model.name(),
          registry.listVersions(model.name(), PageRequest.first(1000)).items());
    }
    return new Contents(models, versions);
  }

  static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
