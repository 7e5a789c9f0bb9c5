package dev.serval.registry.backup;

/**
 * What a backup wrote or a restore put back.
 *
 * @param files files of the folders kept beside the database, such as job logs
 */
public record BackupSummary(
    int tables, long rows, int artifacts, long artifactBytes, int files, long fileBytes) {}
