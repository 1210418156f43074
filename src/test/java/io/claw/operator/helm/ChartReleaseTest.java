package io.claw.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * A chart that changed says so: its version is the newest entry of its CHANGELOG.md, and that entry
 * records the digest of the chart's content (the CRD through its link included, CHANGELOG.md
 * excluded). A change to a template, a value, a file or the CRD without a new version and entry
 * fails here, naming the digest to record.
 */
class ChartReleaseTest {

  private static final Path CHANGELOG = Chart.PATH.resolve("CHANGELOG.md");
  private static final Pattern ENTRY = Pattern.compile("(?m)^## (\\S+)\\s*$");
  private static final Pattern DIGEST = Pattern.compile("Chart content: (sha256:[0-9a-f]{64})");

  @Test
  void theChartVersionIsTheNewestChangelogEntryAndItRecordsTheChartAsItIs() throws Exception {
    String changelog = Files.readString(CHANGELOG);
    Matcher entry = ENTRY.matcher(changelog);
    assertTrue(entry.find(), CHANGELOG + " has no '## <version>' entry");
    assertEquals(Chart.version(), entry.group(1), "Chart.yaml's version is the newest entry of " + CHANGELOG);
    int next = entry.find() ? entry.start() : changelog.length();
    Matcher recorded = DIGEST.matcher(changelog.substring(0, next));
    String actual = contentDigest();
    assertTrue(recorded.find(), "the newest entry of " + CHANGELOG + " records no 'Chart content: " + actual + "'");
    assertEquals(actual, recorded.group(1), "the chart changed since " + Chart.version() + " was recorded: give it a "
        + "new version in Chart.yaml and a CHANGELOG.md entry with 'Chart content: " + actual + "'");
    String chartYaml = Files.readString(Chart.PATH.resolve("Chart.yaml"));
    for (String field : List.of("home:", "sources:", "icon:", "artifacthub.io/changes:", "artifacthub.io/crds:")) {
      assertTrue(chartYaml.contains(field), "Chart.yaml has no " + field);
    }
  }

  /** sha256 over every file of the chart but the changelog, by relative path, links followed. */
  static String contentDigest() throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      List<Path> files;
      try (var walk = Files.walk(Chart.PATH, FileVisitOption.FOLLOW_LINKS)) {
        files = walk.filter(Files::isRegularFile).filter(p -> !p.equals(CHANGELOG))
            .sorted(java.util.Comparator.comparing(p -> Chart.PATH.relativize(p).toString())).toList();
      }
      for (Path file : files) {
        sha.update(Chart.PATH.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Files.readAllBytes(file));
        sha.update((byte) 0);
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
