package dev.serval.registry;

import dev.serval.registry.internal.Names;
import java.util.Map;
import java.util.Objects;

/**
 * What the caller says about a version when pushing it.
 *
 * @param description free text, may be empty
 * @param tags key/value pairs; keys follow the name rules
 * @param lineage where it came from, {@link Lineage#NONE} if unknown
 */
public record VersionMetadata(String description, Map<String, String> tags, Lineage lineage) {
  public static final VersionMetadata EMPTY = new VersionMetadata("", Map.of(), Lineage.NONE);

  public VersionMetadata {
    Names.checkText("description", description, Names.MAX_TEXT);
    tags = Tags.checked(tags);
    Objects.requireNonNull(lineage, "lineage");
  }

  public VersionMetadata withDescription(String newDescription) {
    return new VersionMetadata(newDescription, tags, lineage);
  }

  public VersionMetadata withTags(Map<String, String> newTags) {
    return new VersionMetadata(description, newTags, lineage);
  }

  public VersionMetadata withLineage(Lineage newLineage) {
    return new VersionMetadata(description, tags, newLineage);
  }
}
