package dev.serval.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the dependency direction of DESIGN.md: api → features → runtime → core. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.serval");
  }

  @Test
  void coreDependsOnNoOtherServalPackage() {
    noClasses()
        .that().resideInAPackage("dev.serval.core..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(
            "dev.serval.runtime..", "dev.serval.serving..", "dev.serval.server..",
            "dev.serval.bench..", "dev.serval.registry..", "dev.serval.compress..",
            "dev.serval.tune..", "dev.serval.jobs..")
        .check(classes);
  }

  @Test
  void runtimeDependsOnlyOnCore() {
    noClasses()
        .that().resideInAPackage("dev.serval.runtime..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(
            "dev.serval.serving..", "dev.serval.server..", "dev.serval.bench..",
            "dev.serval.registry..", "dev.serval.compress..", "dev.serval.tune..",
            "dev.serval.jobs..")
        .check(classes);
  }

  @Test
  void servingUsesRuntimesOnlyThroughTheCoreSpi() {
    noClasses()
        .that().resideInAPackage("dev.serval.serving..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.serval.runtime..", "dev.serval.server..", "dev.serval.bench..")
        .check(classes);
  }

  @Test
  void featuresDoNotReachIntoEachOthersInternals() {
    for (String feature : new String[] {"core", "runtime", "serving", "server", "bench"}) {
      noClasses()
          .that().resideOutsideOfPackage("dev.serval." + feature + "..")
          .should().dependOnClassesThat()
          .resideInAPackage("dev.serval." + feature + "..internal..")
          .check(classes);
    }
  }
}
