package dev.serval.registry;

import java.time.Instant;
import java.util.SortedMap;

/**
 * One version of a model.
 *
 * @param version number, 1 for the first push, never reused within a model
 * @param reason why it FAILED (or other state note); empty when none
 * @param sha256 digest of the artifact, its key in the artifact store
 * @param signatureJson signature found by validation, null until then
 * @param testCasesSha256 digest of the test cases pushed with it, null when none
 */
public record VersionRecord(
    String model,
    int version,
    VersionState state,
    String reason,
    String sha256,
    long sizeBytes,
    String signatureJson,
    String testCasesSha256,
    String description,
    SortedMap<String, String> tags,
    Lineage lineage,
    Instant created,
    Instant updated) {}
