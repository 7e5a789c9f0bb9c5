package dev.serval.serving;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Serving sees runtimes only through the SPI in core (DESIGN.md: serving → runtime → core). */
@AnalyzeClasses(
    packages = "dev.serval.serving",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ServingArchitectureTest {
  @ArchTest
  static final ArchRule usesNoRuntimeImplementation =
      noClasses()
          .that()
          .resideInAPackage("dev.serval.serving..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.serval.runtime..", "ai.onnxruntime..", "dev.serval.server..");
}
