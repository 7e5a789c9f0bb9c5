package dev.serval.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
  @Test
  void parsesTheIssueFormatWithStepsAndConditions() {
    SearchSpace space = SearchSpace.fromJson("""
        {"lr": {"type": "float", "low": 1e-5, "high": 1, "log": true},
         "layers": {"type": "int", "low": 1, "high": 8},
         "width": {"type": "int", "low": 16, "high": 128, "step": 16},
         "dropout": {"type": "float", "low": 0, "high": 0.5, "step": 0.1},
         "optimizer": {"type": "categorical", "choices": ["sgd", "adam"]},
         "momentum": {"type": "float", "low": 0, "high": 0.99,
                      "condition": {"optimizer": ["sgd"]}},
         "nesterov": {"type": "categorical", "choices": [true, false],
                      "condition": {"optimizer": "sgd"}}}
        """);

    assertThat(space.params()).extracting(Param::name).containsExactly(
        "lr", "layers", "width", "dropout", "optimizer", "momentum", "nesterov");
    assertThat(space.param("lr")).isEqualTo(FloatParam.logUniform("lr", 1e-5, 1));
    assertThat(space.param("width")).isEqualTo(IntParam.stepped("width", 16, 128, 16));
    assertThat(space.param("nesterov")).isEqualTo(CategoricalParam.of("nesterov", true, false));
    assertThat(space.condition("momentum")).contains(Condition.when("optimizer", "sgd"));
    assertThat(space.isActive("momentum", Map.of("optimizer", "sgd"))).isTrue();
    assertThat(space.isActive("momentum", Map.of("optimizer", "adam"))).isFalse();
    assertThat(space.isActive("lr", Map.of())).isTrue();
  }

  @Test
  void rejectsMalformedSpacesNamingParameterAndValue() {
    assertRejected("{\"lr\": {\"type\": \"float\", \"low\": 0, \"high\": 1, \"lg\": true}}",
        "parameter lr: unknown key 'lg'");
    assertRejected("{\"lr\": {\"type\": \"float\", \"low\": \"0\", \"high\": 1}}",
        "parameter lr: 'low' must be a number, got \"0\"");
    assertRejected("{\"n\": {\"type\": \"int\", \"low\": 1.5, \"high\": 3}}",
        "parameter n: 'low' must be an integer, got 1.5");
    assertRejected("{\"lr\": {\"type\": \"float\", \"low\": 2, \"high\": 1}}",
        "parameter lr: low must be below high, got low=2.0 high=1.0");
    assertRejected("{\"lr\": {\"type\": \"float\", \"low\": 0, \"high\": 1, \"log\": true}}",
        "parameter lr: log scale needs low > 0, got low=0.0");
    assertRejected(
        "{\"lr\": {\"type\": \"float\", \"low\": 1, \"high\": 2, \"log\": true, \"step\": 0.5}}",
        "parameter lr: log and step exclude each other");
    assertRejected("{\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1, \"step\": 0.3}}",
        "parameter x: step 0.3 must divide the range [0.0, 1.0]");
    assertRejected("{\"x\": {\"type\": \"double\", \"low\": 0, \"high\": 1}}",
        "parameter x: type must be float, int or categorical, got 'double'");
    assertRejected("{\"a\": {\"type\": \"categorical\", \"choices\": [\"x\", \"x\"]}}",
        "parameter a: choices must be distinct");
    assertRejected("{\"a\": {\"type\": \"categorical\", \"choices\": [null]}}",
        "parameter a: values must be strings, numbers or booleans, got null");
    assertRejected("[]", "search space must be a JSON object");
    assertRejected("{}", "search space must have at least one parameter");
    assertRejected("{\"a\": ", "search space is not valid JSON");
  }

  @Test
  void rejectsConditionsOnUnknownLaterOrNonCategoricalParents() {
    assertRejected("""
        {"m": {"type": "float", "low": 0, "high": 1, "condition": {"opt": ["sgd"]}},
         "opt": {"type": "categorical", "choices": ["sgd"]}}""",
        "parameter m: condition parent 'opt' must be a categorical parameter declared before");
    assertRejected("""
        {"opt": {"type": "categorical", "choices": ["sgd"]},
         "m": {"type": "float", "low": 0, "high": 1, "condition": {"opt": ["adam"]}}}""",
        "parameter m: condition values [adam] are not choices of opt");
    assertRejected("""
        {"opt": {"type": "categorical", "choices": ["sgd"]},
         "m": {"type": "float", "low": 0, "high": 1, "condition": {"opt": "sgd", "x": 1}}}""",
        "parameter m: condition must be an object with one parent parameter");
  }

  @Test
  void rejectsDuplicateNamesInTheBuilder() {
    assertThatThrownBy(() -> SearchSpace.builder().add(IntParam.of("a", 0, 1))
        .add(FloatParam.uniform("a", 0, 1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("parameter a is declared twice");
    assertThatThrownBy(() -> IntParam.of(" ", 0, 1))
        .hasMessage("parameter name must not be blank, got ' '");
  }

  @Test
  void gridValuesListEveryStep() {
    assertThat(FloatParam.stepped("x", 0, 1, 0.25).gridValues().orElseThrow())
        .containsExactly(0.0, 0.25, 0.5, 0.75, 1.0);
    assertThat(IntParam.stepped("n", 2, 8, 3).gridValues().orElseThrow())
        .containsExactly(2, 5, 8);
    assertThat(FloatParam.uniform("x", 0, 1).gridValues()).isEmpty();
    assertThat(CategoricalParam.of("c", "a", 1).gridValues().orElseThrow())
        .isEqualTo(List.of("a", 1));
  }

  private static void assertRejected(String json, String message) {
    assertThatThrownBy(() -> SearchSpace.fromJson(json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }
}
