package dev.serval.registry.backup;

/** What a backup wrote or a restore put back. */
public record BackupSummary(int tables, long rows, int artifacts, long artifactBytes) {}
