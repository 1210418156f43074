package io.claw.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * kube-controller-manager from the provisioned binaries, running only the named controllers
 * against a {@link TestCluster}: what a cluster runs beside an operator (garbage collection,
 * quota, namespace deletion), or the benchmark's peer.
 */
public final class ControllerManager implements AutoCloseable {

  private final Process process;
  private final Path log;

  private ControllerManager(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** @param extraFlags further kube-controller-manager flags */
  public static ControllerManager start(TestCluster cluster, Path log, List<String> controllers, String... extraFlags) {
    Path binary = TestCluster.binaries().resolve("kube-controller-manager");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("no " + binary + "; hack/provision-kube-api-test.sh builds it");
    }
    String kubeconfig = cluster.kubeconfig().toString();
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      List<String> command = Stream.concat(Stream.of(binary.toString(),
              "--kubeconfig", kubeconfig, "--authentication-kubeconfig", kubeconfig,
              "--authorization-kubeconfig", kubeconfig, "--controllers", String.join(",", controllers),
              "--leader-elect=false", "--port=0", "--bind-address", "127.0.0.1",
              "--secure-port", String.valueOf(freePort())),
          Stream.of(extraFlags)).toList();
      return new ControllerManager(new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public void ensureRunning() {
    if (!process.isAlive()) {
      throw new UncheckedIOException(new IOException("kube-controller-manager exited; see " + log));
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
