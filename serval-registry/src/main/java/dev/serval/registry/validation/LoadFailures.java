package dev.serval.registry.validation;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads why a backend could not load a model. Loading is the authoritative dependency check (the
 * runtime knows which operators and opsets it implements), so a load failure whose message names
 * an unsupported operator, opset or IR version is a dependency failure; any other is a format
 * failure. The patterns match ONNX Runtime's wording; other runtimes' failures count as format
 * failures until their wording is added here.
 */
final class LoadFailures {
  private static final int MAX_REASON_LENGTH = 300;
  private static final Pattern RUNTIME_SOURCE_LOCATION =
      Pattern.compile("/\\S+\\.(?:h|cc|cpp):\\d+ [^(]*\\(.*?\\) ");

  private static final List<Rule> DEPENDENCY_RULES = List.of(
      // In Node, ("", Foo, "", -1) : ... Error No Op registered for Foo with domain_version of 17
      new Rule("In Node, \\(\"[^\"]*\", [^,]*, \"([^\"]*)\".*No Op registered for (\\S+) with "
          + "domain_version of (\\d+)",
          (m, runtime) -> "operator '" + m.group(2) + "' (domain '" + m.group(1) + "', opset "
              + m.group(3) + ") is not supported by " + runtime),
      // Fatal error: com.acme:Foo(-1) is not a registered function/op
      new Rule("(\\S*):(\\S+)\\(-?\\d+\\) is not a registered function/op",
          (m, runtime) -> "operator '" + m.group(2) + "' (domain '" + m.group(1)
              + "') is not supported by " + runtime),
      // Opset 99 is under development ... support for domain ai.onnx is till opset 26.
      new Rule("Opset (\\d+) is under development.*support for domain (\\S+) is till opset (\\d+)",
          (m, runtime) -> "opset " + m.group(1) + " of domain '" + m.group(2)
              + "' is not supported by " + runtime + ", which supports up to opset " + m.group(3)),
      new Rule("Unsupported model IR version: (\\d+), max supported IR version: (\\d+)",
          (m, runtime) -> "ONNX IR version " + m.group(1) + " is not supported by " + runtime
              + ", which supports up to " + m.group(2)));

  private LoadFailures() {}

  /**
   * The unsupported dependency a load failure names, e.g. {@code operator 'Foo' (domain '', opset
   * 17) is not supported by onnxruntime_onnx}, or empty when it names none.
   */
  static Optional<String> dependency(String message, String runtime) {
    for (Rule rule : DEPENDENCY_RULES) {
      Matcher matcher = rule.pattern().matcher(message);
      if (matcher.find()) {
        return Optional.of(rule.reason().apply(matcher, runtime));
      }
    }
    return Optional.empty();
  }

  /**
   * A failure message fit for users: the artifact's path (which reveals the server's layout)
   * replaced by {@code fileName}, the runtime's source locations removed, on one line, shortened.
   */
  static String clean(String message, Path artifact, String fileName) {
    String cleaned = message
        .replace(artifact.toAbsolutePath().toString(), fileName)
        .replace(artifact.toString(), fileName);
    cleaned = RUNTIME_SOURCE_LOCATION.matcher(cleaned).replaceAll("");
    cleaned = cleaned.replaceAll("\\s*\\R\\s*", " ").strip();
    return cleaned.length() <= MAX_REASON_LENGTH
        ? cleaned
        : cleaned.substring(0, MAX_REASON_LENGTH) + "...";
  }

  private record Rule(Pattern pattern, BiFunction<Matcher, String, String> reason) {
    Rule(String regex, BiFunction<Matcher, String, String> reason) {
      this(Pattern.compile(regex, Pattern.DOTALL), reason);
    }
  }
}
