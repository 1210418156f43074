package io.claw.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged operator (target/quarkus-app), run as users run it: java -jar with env vars. */
public final class OperatorProcess implements AutoCloseable {

  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  private final Process process;
  private final Path log;

  private OperatorProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static OperatorProcess start(String name, Map<String, String> env) {
    Path log = Path.of("target", "operator-process", name + ".log");
    try {
      Files.createDirectories(log.getParent());
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new OperatorProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the process to end by itself; returns its exit code. */
  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("operator still running after " + seconds + " s; log:\n" + output());
    }
    return process.exitValue();
  }

  /** The HTTP port the operator logs once started (it is run with QUARKUS_HTTP_PORT=0). */
  public int httpPort() {
    java.util.regex.Pattern listening = java.util.regex.Pattern.compile("Listening on: http://[^:]+:(\\d+)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      var matcher = listening.matcher(output());
      if (matcher.find()) {
        return Integer.parseInt(matcher.group(1));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the operator did not start listening; log:\n" + output());
  }

  /** GET of a path on the operator's HTTP port, e.g. /q/metrics. */
  public String get(String path) {
    try {
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + httpPort() + path))
          .timeout(java.time.Duration.ofSeconds(10)).build();
      return java.net.http.HttpClient.newHttpClient()
          .send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: the operator gets no chance to finish anything (a node failure, an OOM kill). */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Sends SIGTERM, as Kubernetes does; true when the operator then exits by itself in time. */
  public boolean stopGracefully(long seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
