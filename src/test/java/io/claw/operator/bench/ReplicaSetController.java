package io.claw.operator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.claw.operator.testing.TestCluster;

/**
 * The benchmark's peer: Kubernetes' own ReplicaSet controller (kube-controller-manager with only
 * that controller), built from the same source as the API server. It watches a resource, creates
 * one Pod for it and writes its status: this operator's work, in Go. Its client limits are raised
 * as far as the operator's go (JOSDK has no client-side rate limit), and it runs as many syncs at
 * once as JOSDK runs reconciles (50).
 */
final class ReplicaSetController implements AutoCloseable {

  private final Process process;

  private ReplicaSetController(Process process) {
    this.process = process;
  }

  static ReplicaSetController start(TestCluster cluster) throws IOException {
    Path binary = TestCluster.binaries().resolve("kube-controller-manager");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("no " + binary + "; hack/provision-kube-api-test.sh builds it");
    }
    String kubeconfig = cluster.kubeconfig().toString();
    Path log = Path.of("target", "benchmark", "kube-controller-manager.log");
    Files.createDirectories(log.getParent());
    Process process = new ProcessBuilder(List.of(binary.toString(),
        "--kubeconfig", kubeconfig, "--authentication-kubeconfig", kubeconfig, "--authorization-kubeconfig", kubeconfig,
        "--controllers", "replicaset", "--leader-elect=false", "--port=0", "--bind-address", "127.0.0.1",
        "--secure-port", String.valueOf(freePort()),
        "--kube-api-qps", "1000", "--kube-api-burst", "2000", "--concurrent-replicaset-syncs", "50"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ReplicaSetController(process);
  }

  long pid() {
    return process.pid();
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

  void ensureRunning() {
    if (!process.isAlive()) {
      throw new UncheckedIOException(new IOException(
          "kube-controller-manager exited; see target/benchmark/kube-controller-manager.log"));
    }
  }
}
