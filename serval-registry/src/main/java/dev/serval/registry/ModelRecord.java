package dev.serval.registry;

import java.time.Instant;
import java.util.SortedMap;

/**
 * A registered model.
 *
 * @param aliases alias name to version number
 */
public record ModelRecord(
    String name,
    String description,
    SortedMap<String, String> tags,
    SortedMap<String, Integer> aliases,
    Instant created) {}
