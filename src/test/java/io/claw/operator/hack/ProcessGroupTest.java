package io.claw.operator.hack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hack/lib/process-group.sh, as hack/run-local.sh and hack/benchmark.sh use it: a SIGTERM to the
 * script (as timeout, a supervisor or a closed CI job sends it) stops everything the script's
 * command started, not only the script.
 */
class ProcessGroupTest {

  @TempDir
  Path dir;

  /** A script whose command starts two long-lived children, each findable by its marker. */
  private Process script(String marker, boolean inGroup) throws IOException {
    Path script = dir.resolve("script.sh");
    String command = "bash -c 'sleep " + marker + " & sleep " + marker + " & wait'";
    Files.writeString(script, "set -euo pipefail\nsource " + Path.of("hack/lib/process-group.sh").toAbsolutePath()
        + "\n" + (inGroup ? "run_as_group " : "") + command + "\n");
    return new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("out.log").toFile()).start();
  }

  private static long running(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep " + marker)).orElse(false)).count();
  }

  private static void terminate(Process process) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start().waitFor();
  }

  @Test
  void aTermToTheScriptStopsWhatItsCommandStarted() throws Exception {
    String marker = marker();
    Process script = script(marker, true);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> running(marker) == 2);

    terminate(script);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !script.isAlive() && running(marker) == 0);
  }

  /** Without it, the children outlive the script: the failure this guards against. */
  @Test
  void withoutItTheChildrenOutliveTheScript() throws Exception {
    String marker = marker();
    Process script = script(marker, false);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> running(marker) == 2);
    try {
      terminate(script);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !script.isAlive());
      Thread.sleep(500);
      assertEquals(2, running(marker), "left behind");
    } finally {
      ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep " + marker)).orElse(false))
          .forEach(ProcessHandle::destroy);
    }
  }

  /** A sleep of a unique, far-off duration: its command line names this test's processes only. */
  private static String marker() {
    return String.valueOf(100_000 + Math.abs(UUID.randomUUID().getMostSignificantBits() % 800_000));
  }
}
