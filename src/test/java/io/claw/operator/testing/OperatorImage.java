package io.claw.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The operator's image, made the way the README says: a base from hack/jre-base-image.sh, then
 * the README's Maven command, which has Jib build the image and push it. No Docker anywhere.
 */
public final class OperatorImage {

  /** What the README's command prints once Jib has pushed: the image and its manifest digest. */
  private static final Pattern PUSHED = Pattern.compile("Pushed container image (\\S+) \\((sha256:[0-9a-f]{64})\\)");
  private static final Path BUILD_COPY = Path.of("target", "image-build");

  public record Pushed(String image, String digest, long millis) {
  }

  private OperatorImage() {
  }

  /** Cuts a JRE from the JDK running the tests and pushes it as a base image to {@code image}. */
  public static Pushed pushBase(String image) {
    long started = System.nanoTime();
    Command.Result result = Command.run(List.of("bash", "hack/jre-base-image.sh", "docker://" + image),
        Map.of("JAVA_HOME", System.getProperty("java.home")), null, 300);
    check(result, "hack/jre-base-image.sh");
    String digest = result.output().lines().filter(l -> l.startsWith("sha256:")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("no digest from hack/jre-base-image.sh:\n" + result.output()));
    return new Pushed(image, digest, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Runs the README's image command on a copy of the sources, so that the build running this test
   * keeps its own target/ as it is. {@code insecure}: the rig's registries speak plain HTTP.
   */
  public static Pushed buildAndPush(String image, String baseImage) {
    long started = System.nanoTime();
    copySources();
    // offline: the build running this test has fetched everything this one needs
    List<String> command = new ArrayList<>(List.of("./mvnw", "-B", "-ntp", "-o", "package", "-DskipTests",
        "-Dquarkus.container-image.push=true",
        "-Dquarkus.container-image.image=" + image,
        "-Dquarkus.jib.base-jvm-image=" + baseImage,
        "-Dquarkus.container-image.insecure=true"));
    String localRepository = System.getProperty("claw.maven-repo-local");
    if (localRepository != null && !localRepository.isBlank()) {
      command.add("-Dmaven.repo.local=" + localRepository);
    }
    Command.Result result = Command.run(List.of("bash", "-c", "cd " + BUILD_COPY + " && exec " + String.join(" ", command)),
        Map.of("JAVA_HOME", System.getProperty("java.home")), null, 600);
    check(result, String.join(" ", command));
    Matcher pushed = PUSHED.matcher(result.output());
    if (!pushed.find()) {
      throw new IllegalStateException("the build did not say it pushed " + image + ":\n" + result.output());
    }
    return new Pushed(pushed.group(1), pushed.group(2), (System.nanoTime() - started) / 1_000_000);
  }

  private static void copySources() {
    try {
      if (Files.exists(BUILD_COPY)) {
        try (Stream<Path> old = Files.walk(BUILD_COPY)) {
          old.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
      }
      for (Path source : List.of(Path.of("pom.xml"), Path.of("mvnw"), Path.of(".mvn"), Path.of("src", "main"))) {
        try (Stream<Path> files = Files.walk(source)) {
          for (Path file : files.toList()) {
            Path target = BUILD_COPY.resolve(file);
            if (Files.isDirectory(file)) {
              Files.createDirectories(target);
            } else {
              Files.createDirectories(target.getParent());
              Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void check(Command.Result result, String what) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException(what + " failed (exit " + result.exitCode() + "):\n" + Command.tail(result.output(), 80));
    }
  }
}
