package dev.serval.tune;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SearchSpaceJsonTest {
  @Test
  void toJsonReadsBackAsTheSameSpaceAndLeavesDefaultsOut() {
    String json = """
        {"lr": {"type": "float", "low": 1e-5, "high": 1, "log": true},
         "w": {"type": "int", "low": 16, "high": 128, "step": 16},
         "d": {"type": "float", "low": 0, "high": 0.5, "step": 0.1},
         "opt": {"type": "categorical", "choices": ["sgd", "adam", "rms", 3, true]},
         "momentum": {"type": "float", "low": 0, "high": 0.99,
                      "condition": {"opt": ["sgd", "rms"]}}}""";
    SearchSpace space = SearchSpace.fromJson(json);

    String written = space.toJson();

    assertThat(written).startsWith("{\"lr\":{\"type\":\"float\",\"low\":1.0E-5,\"high\":1.0,"
        + "\"log\":true},\"w\":{\"type\":\"int\",\"low\":16,\"high\":128,\"step\":16}");
    assertThat(written).contains("\"condition\":{\"opt\":[\"rms\",\"sgd\"]}")
        .doesNotContain("\"log\":false");
    assertThat(SearchSpace.fromJson(written).toJson()).isEqualTo(written);
    assertThat(SearchSpace.fromJson(written).params()).isEqualTo(space.params());
  }

  @Test
  void spacesThatDifferGiveDifferentText() {
    SearchSpace a = SearchSpace.builder().add(IntParam.of("n", 1, 8)).build();
    SearchSpace b = SearchSpace.builder().add(IntParam.of("n", 1, 9)).build();

    assertThat(a.toJson()).isNotEqualTo(b.toJson());
  }
}
