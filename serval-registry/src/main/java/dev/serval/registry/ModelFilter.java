package dev.serval.registry;

import dev.serval.registry.internal.Names;

/**
 * Which models to list. Null fields do not filter.
 *
 * @param namePrefix names starting with this
 * @param tagKey models that have this tag ...
 * @param tagValue ... with this value (null: any value)
 */
public record ModelFilter(String namePrefix, String tagKey, String tagValue) {
  public static final ModelFilter ALL = new ModelFilter(null, null, null);

  public ModelFilter {
    if (namePrefix != null && !namePrefix.isEmpty()) {
      Names.checkName("name prefix", namePrefix);
    }
    if (tagKey != null) {
      Tags.checkKey(tagKey);
    } else if (tagValue != null) {
      throw new dev.serval.core.InvalidInputException("a tag value filter needs a tag key");
    }
    if (tagValue != null) {
      Tags.checkValue(tagValue);
    }
  }

  public static ModelFilter namePrefix(String prefix) {
    return new ModelFilter(prefix, null, null);
  }

  public static ModelFilter tag(String key, String value) {
    return new ModelFilter(null, key, value);
  }
}
