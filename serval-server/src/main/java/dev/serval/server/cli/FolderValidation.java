package dev.serval.server.cli;

import dev.serval.core.ServalException;
import dev.serval.registry.validation.ModelValidator;
import dev.serval.registry.validation.TestCase;
import dev.serval.registry.validation.TestCases;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Validates a version folder of the model repository the way a pushed version is validated:
 * format, operators, signature, smoke run, and the folder's {@value #TEST_CASES} if it has one.
 */
final class FolderValidation implements RepositoryPoller.VersionCheck {
  static final String TEST_CASES = "test_cases.json";

  private final ModelValidator validator;

  FolderValidation(ModelValidator validator) {
    this.validator = validator;
  }

  @Override
  public Optional<String> problem(Path versionFolder) {
    Path artifact = versionFolder.resolve(VersionPlacement.ARTIFACT);
    if (!Files.isRegularFile(artifact)) {
      return Optional.of("no " + VersionPlacement.ARTIFACT + " in " + versionFolder);
    }
    List<TestCase> cases;
    try {
      Path file = versionFolder.resolve(TEST_CASES);
      cases = Files.exists(file) ? TestCases.read(file) : List.of();
    } catch (ServalException | UncheckedIOException e) {
      return Optional.of(TEST_CASES + ": " + e.getMessage());
    }
    return validator.validate(artifact, cases).failureReason();
  }
}
