package io.claw.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * kube-controller-manager from the provisioned binaries, running only the named controllers
 * against a {@link TestCluster}: what a cluster runs beside an operator (garbage collection,
 * quota, namespace deletion), or the benchmark's peer. {@link #start} returns once it serves
 * {@code /healthz}, and fails with the end of its log when it does not: a test that needs these
 * controllers must not go on without them.
 */
public final class ControllerManager implements AutoCloseable {

  /** How long a start may take before it counts as failed (it serves within a few seconds). */
  static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final int LOG_LINES_SHOWN = 40;

  private final Process process;
  private final Path log;
  private final int securePort;

  private ControllerManager(Process process, Path log, int securePort) {
    this.process = process;
    this.log = log;
    this.securePort = securePort;
  }

  /** @param extraFlags further kube-controller-manager flags */
  public static ControllerManager start(TestCluster cluster, Path log, List<String> controllers, String... extraFlags) {
    Path binary = TestCluster.binaries().resolve("kube-controller-manager");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("no " + binary + "; hack/provision-kube-api-test.sh builds it");
    }
    ControllerManager started;
    try {
      int port = freePort();
      Files.createDirectories(log.toAbsolutePath().getParent());
      List<String> command = new ArrayList<>(List.of(binary.toString()));
      command.addAll(flags(TestCluster.KUBE_VERSION, cluster.kubeconfig().toString(), controllers, port));
      command.addAll(List.of(extraFlags));
      started = new ControllerManager(new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start(), log, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      started.awaitHealthy(READY_WITHIN);
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  /**
   * The flags for a given version: {@code --port=0} (no insecure port) exists up to 1.23 and is
   * refused from 1.24 on, where the insecure port is gone anyway.
   */
  static List<String> flags(String version, String kubeconfig, List<String> controllers, int securePort) {
    List<String> flags = new ArrayList<>(List.of("--kubeconfig", kubeconfig, "--authentication-kubeconfig", kubeconfig,
        "--authorization-kubeconfig", kubeconfig, "--controllers", String.join(",", controllers),
        "--leader-elect=false", "--bind-address", "127.0.0.1", "--secure-port", String.valueOf(securePort)));
    if (minor(version) < 24) {
      flags.add("--port=0");
    }
    return flags;
  }

  /** The minor version of "1.20.2" or "v1.36.0-alpha.1". */
  static int minor(String version) {
    String[] parts = version.replaceFirst("^v", "").split("\\.");
    if (parts.length < 2 || !"1".equals(parts[0])) {
      throw new IllegalArgumentException("not a Kubernetes version: " + version);
    }
    return Integer.parseInt(parts[1]);
  }

  /** Waits until /healthz answers ok; throws with the log's last lines if the process exits or the time runs out. */
  void awaitHealthy(Duration within) {
    HttpClient http = HttpClient.newBuilder().sslContext(trustingAnyCertificate())
        .connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest healthz = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + securePort + "/healthz"))
        .timeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(within);
    String lastAnswer = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("kube-controller-manager exited with code " + process.exitValue()
            + " before it served /healthz" + logTail());
      }
      try {
        HttpResponse<String> answer = http.send(healthz, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200 && "ok".equals(answer.body().trim())) {
          return;
        }
        lastAnswer = "HTTP " + answer.statusCode() + " " + answer.body();
      } catch (IOException e) {
        lastAnswer = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause();
    }
    throw new IllegalStateException("kube-controller-manager did not serve /healthz within " + within.toSeconds()
        + " s (last answer: " + lastAnswer + ")" + logTail());
  }

  /** Its errors (a refused flag, klog's E and F lines) and its last lines. */
  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      List<String> errors = lines.stream().filter(line -> line.matches("^(Error:|[EF]\\d{4} ).*")).limit(10).toList();
      return "; its errors: " + errors + "; the last lines of " + log + ":\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - LOG_LINES_SHOWN), lines.size()));
    } catch (IOException e) {
      return "; its log " + log + " cannot be read: " + e;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The controller manager's serving certificate is self-signed, made at its start; only loopback
   * is asked. An extended trust manager, so that the JDK does not check the host name either.
   */
  private static SSLContext trustingAnyCertificate() {
    TrustManager any = new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {any}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public void ensureRunning() {
    if (!process.isAlive()) {
      throw new IllegalStateException("kube-controller-manager exited" + logTail());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
