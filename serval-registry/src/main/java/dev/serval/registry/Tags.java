package dev.serval.registry;

import dev.serval.core.InvalidInputException;
import dev.serval.registry.internal.Names;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Tag checks and immutable, key-sorted copies (sorted so listings print stably). */
final class Tags {
  private Tags() {}

  static SortedMap<String, String> checked(Map<String, String> tags) {
    if (tags == null) {
      throw new InvalidInputException("tags must not be null");
    }
    TreeMap<String, String> copy = new TreeMap<>();
    tags.forEach((key, value) -> copy.put(checkKey(key), checkValue(value)));
    return Collections.unmodifiableSortedMap(copy);
  }

  static String checkKey(String key) {
    return Names.checkName("tag key", key);
  }

  static String checkValue(String value) {
    return Names.checkText("tag value", value, Names.MAX_TAG_VALUE);
  }
}
