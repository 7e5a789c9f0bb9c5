package dev.serval.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serval.core.InvalidInputException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NamesTest {
  private static final String ALLOWED =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

  @Test
  void acceptedNamesCannotExpressAPathOrControlCharacter() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      String candidate = randomString(random);
      boolean accepted = accepts(candidate);
      if (accepted) {
        assertThat(candidate).hasSizeBetween(1, Names.MAX_NAME).doesNotStartWith(".");
        assertThat(candidate.chars()).allMatch(c -> ALLOWED.indexOf(c) >= 0);
      }
    }
  }

  @Test
  void everyNameFromTheAllowedAlphabetIsAccepted() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 20_000; i++) {
      int length = 1 + random.nextInt(Names.MAX_NAME);
      StringBuilder name = new StringBuilder();
      name.append(ALLOWED.charAt(random.nextInt(ALLOWED.length() - 3))); // no leading '.'
      while (name.length() < length) {
        name.append(ALLOWED.charAt(random.nextInt(ALLOWED.length())));
      }
      assertThat(accepts(name.toString())).as(name.toString()).isTrue();
    }
  }

  @Test
  void rejectsTraversalSeparatorsControlsAndOverlongNames() {
    for (String bad :
        List.of("", ".", "..", ".hidden", "../etc", "a/b", "a\\b", "a\u0000", "tab\tname", "é",
            "x".repeat(Names.MAX_NAME + 1), "a b")) {
      assertThatThrownBy(() -> Names.checkName("model name", bad))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("model name must be 1-128 characters");
    }
  }

  @Test
  void messagesShowBadValuesSafely() {
    assertThatThrownBy(() -> Names.checkName("alias", "a\u0007" + "z".repeat(100)))
        .hasMessageContaining("'a\\u0007zzz")
        .hasMessageContaining("...' (102 characters)");
  }

  @Test
  void textAllowsNewlinesButNotOtherControlsOrExcessLength() {
    assertThat(Names.checkText("description", "line 1\n\tline 2", 100)).contains("line 2");
    assertThatThrownBy(() -> Names.checkText("description", "bell\u0007", 100))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Names.checkText("description", "x".repeat(101), 100))
        .hasMessageContaining("at most 100 characters, got 101");
  }

  private static boolean accepts(String name) {
    try {
      Names.checkName("name", name);
      return true;
    } catch (InvalidInputException e) {
      return false;
    }
  }

  /** Mostly allowed characters with a sprinkle of separators, controls and non-ASCII. */
  private static String randomString(SplittableRandom random) {
    String nasty = "/\\\u0000\n\r\u007f: é%";
    int length = random.nextInt(Names.MAX_NAME + 10);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(
          random.nextInt(10) == 0
              ? nasty.charAt(random.nextInt(nasty.length()))
              : ALLOWED.charAt(random.nextInt(ALLOWED.length())));
    }
    return out.toString();
  }
}
