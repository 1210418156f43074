package io.claw.operator.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The operator's packages by role: the resource types at the bottom, the Pod and status logic
 * above them, the reconciler on top; observability needs the resource types only, and the
 * informer caches' tuning is the reconciler's alone. The API client's transport is found by fabric8
 * (a service), and only the metrics read it.
 */
class LayeringTest {

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.claw.operator");

  @Test
  void noCycleBetweenPackages() {
    slices().matching("io.claw.operator.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  /** A class (with its nested ones) and the classes it uses form no loop: each can be read on its own. */
  @Test
  void noCycleBetweenClasses() {
    slices().assignedFrom(new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        JavaClass topLevel = javaClass;
        while (topLevel.getEnclosingClass().isPresent()) {
          topLevel = topLevel.getEnclosingClass().get();
        }
        return topLevel.getPackageName().startsWith("io.claw.operator")
            ? SliceIdentifier.of(topLevel.getName()) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "top-level classes of io.claw.operator";
      }
    }).should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void eachLayerUsesOnlyTheOnesBelow() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("api").definedBy("io.claw.operator.api..")
        .layer("config").definedBy("io.claw.operator.config..")
        .layer("client").definedBy("io.claw.operator.client..")
        .layer("cache").definedBy("io.claw.operator.cache..")
        .layer("pod").definedBy("io.claw.operator.pod..")
        .layer("status").definedBy("io.claw.operator.status..")
        .layer("registry").definedBy("io.claw.operator.registry..")
        .layer("observability").definedBy("io.claw.operator.observability..")
        .layer("reconciler").definedBy("io.claw.operator.reconciler..")
        .whereLayer("reconciler").mayNotBeAccessedByAnyLayer()
        .whereLayer("observability").mayOnlyBeAccessedByLayers("reconciler")
        .whereLayer("registry").mayOnlyBeAccessedByLayers("reconciler")
        .whereLayer("cache").mayOnlyBeAccessedByLayers("reconciler")
        .whereLayer("status").mayOnlyBeAccessedByLayers("reconciler")
        .whereLayer("pod").mayOnlyBeAccessedByLayers("status", "reconciler")
        .whereLayer("config").mayOnlyBeAccessedByLayers("status", "reconciler", "client")
        .whereLayer("client").mayOnlyBeAccessedByLayers("observability")
        .check(MAIN);
  }
}
