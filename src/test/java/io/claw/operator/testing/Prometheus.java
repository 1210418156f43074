package io.claw.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Prometheus (Debian's prometheus package) that scrapes one target every second and
 * evaluates the chart's alert rules, with their {@code for:} shortened so that a test sees them
 * fire within seconds; the expressions are the chart's own.
 */
public final class Prometheus implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path dir;

  private Prometheus(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /**
   * @param target host:port of a /q/metrics endpoint
   * @param rules a Prometheus rule file
   * @param alertAfter what every {@code for:} of the rules becomes, e.g. "5s"
   */
  public static Prometheus scraping(String target, Path rules, String alertAfter) {
    try {
      Path dir = Files.createTempDirectory("claw-prometheus");
      Files.writeString(dir.resolve("alerts.yaml"),
          Files.readString(rules).replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: " + alertAfter));
      Files.writeString(dir.resolve("prometheus.yml"), """
          global: {scrape_interval: 1s, evaluation_interval: 1s}
          rule_files: [%s]
          scrape_configs:
            - job_name: claw-claw-operator-metrics
              metrics_path: /q/metrics
              static_configs: [{targets: ["%s"]}]
          """.formatted(dir.resolve("alerts.yaml"), target));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Process process = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      return new Prometheus(process, port, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body of /api/v1/alerts: the alerts pending or firing now, with their labels. */
  public String alerts() {
    return get("/api/v1/alerts");
  }

  /** The body of an instant query, e.g. claw_instances_pull_failing. */
  public String query(String expression) {
    return get("/api/v1/query?query=" + java.net.URLEncoder.encode(expression, java.nio.charset.StandardCharsets.UTF_8));
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private String get(String path) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      return "(Prometheus not answering: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
