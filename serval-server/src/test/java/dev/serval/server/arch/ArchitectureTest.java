package dev.serval.server.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the dependency direction of DESIGN.md: api → features → runtime, store → core. */
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
    servalDependenciesOf("dev.serval.core..").stayWithin();
  }

  @Test
  void storeDependsOnlyOnCore() {
    servalDependenciesOf("dev.serval.store..").stayWithin("dev.serval.core..");
  }

  @Test
  void runtimeDependsOnlyOnCore() {
    servalDependenciesOf("dev.serval.runtime..").stayWithin("dev.serval.core..");
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

  private static ServalDependencies servalDependenciesOf(String layer) {
    return new ServalDependencies(layer);
  }

  /** The Serval packages a layer uses, third-party libraries aside. */
  private record ServalDependencies(String layer) {
    void stayWithin(String... allowed) {
      String[] own = Stream.concat(Stream.of(layer), Stream.of(allowed)).toArray(String[]::new);
      noClasses()
          .that().resideInAPackage(layer)
          .should().dependOnClassesThat(
              resideInAPackage("dev.serval..").and(resideOutsideOfPackages(own)))
          .check(classes);
    }
  }
}
