package dev.serval.jobs.internal;

import dev.serval.core.InvalidInputException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code {name}} in a job's arguments and declared paths, replaced by a parameter's value or by
 * {@code {output_dir}}; {@code {{} and {@code }}} stand for literal braces.
 */
public final class Placeholders {
  public static final String OUTPUT_DIR = "output_dir";

  private Placeholders() {}

  /** The names {@code text} refers to, in order of first use. */
  public static Set<String> names(String what, String text) {
    Set<String> names = new LinkedHashSet<>();
    scan(what, text, name -> {
      names.add(name);
      return "";
    });
    return names;
  }

  /** {@code text} with each placeholder replaced by its value; every name must have one. */
  public static String substitute(String what, String text, Map<String, String> values) {
    return scan(what, text, name -> {
      String value = values.get(name);
      if (value == null) {
        throw new InvalidInputException(what + " uses {" + name + "} but no parameter '" + name
            + "' was given: " + Checks.show(text));
      }
      return value;
    });
  }

  private interface Resolver {
    String resolve(String name);
  }

  private static String scan(String what, String text, Resolver resolver) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < text.length() && text.charAt(i + 1) == c) {
        out.append(c);
        i += 2;
      } else if (c == '{') {
        int end = text.indexOf('}', i);
        if (end < 0) {
          throw new InvalidInputException(what + " has a '{' without '}' (write {{ for a literal"
              + " brace): " + Checks.show(text));
        }
        out.append(resolver.resolve(Checks.identifier(what + " placeholder",
            text.substring(i + 1, end))));
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
