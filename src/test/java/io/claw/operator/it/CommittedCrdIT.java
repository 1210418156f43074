package io.claw.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * crds/ is what users install (kubectl apply, the Helm chart); it must be exactly what the build
 * generates from the Java types in target/kubernetes/.
 */
class CommittedCrdIT {

  private static final Path GENERATED = Path.of("target", "kubernetes");
  private static final Path COMMITTED = Path.of("crds");
  private static final String FIX = "\nRegenerate with: ./mvnw package -DskipTests && cp target/kubernetes/*.claw.io-v1.yml crds/";

  private static List<String> crdFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".claw.io-v1.yml")).sorted().toList();
    }
  }

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<String> generated = crdFiles(GENERATED);
    assertFalse(generated.isEmpty(), "the build generated no CRD under " + GENERATED);
    assertEquals(generated, crdFiles(COMMITTED), "CRD files in crds/ differ from the generated set" + FIX);
    for (String name : generated) {
      assertEquals(Files.readString(GENERATED.resolve(name)), Files.readString(COMMITTED.resolve(name)),
          "crds/" + name + " is out of date" + FIX);
    }
  }
}
