package io.claw.operator.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.claw.operator.testing.OperatorProcess;
import io.claw.operator.testing.TestCluster;

/**
 * Runs the packaged operator against an embedded control plane (the real kube-apiserver + etcd
 * the tests use), for trying the operator on a machine with no cluster and no Docker.
 * Started by hack/run-local.sh; stops with Ctrl-C.
 */
public final class LocalRun implements AutoCloseable {

  public static final Path KUBECONFIG = Path.of("target", "local-cluster", "kubeconfig").toAbsolutePath();

  private final TestCluster cluster;
  private final OperatorProcess operator;

  private LocalRun(TestCluster cluster, OperatorProcess operator) {
    this.cluster = cluster;
    this.operator = operator;
  }

  /** @param settings operator settings as environment variables, e.g. CLAW_OPERATOR_DEFAULT_PULL_POLICY */
  public static LocalRun start(Map<String, String> settings) throws IOException {
    TestCluster cluster = new TestCluster("local-cluster").start();
    Files.createDirectories(KUBECONFIG.getParent());
    Files.copy(cluster.kubeconfig(), KUBECONFIG, StandardCopyOption.REPLACE_EXISTING);
    Map<String, String> env = new HashMap<>(settings);
    env.put("KUBECONFIG", KUBECONFIG.toString());
    return new LocalRun(cluster, OperatorProcess.start("local-run", env));
  }

  public TestCluster cluster() {
    return cluster;
  }

  public OperatorProcess operator() {
    return operator;
  }

  @Override
  public void close() throws InterruptedException {
    operator.close();
    cluster.close();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new HashMap<>();
    System.getenv().forEach((name, value) -> {
      if (name.startsWith("CLAW_OPERATOR_")) {
        settings.put(name, value);
      }
    });
    LocalRun run = start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        run.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stopped.countDown();
    }));
    System.out.println("""

        claw-operator is running against a local control plane (kube-apiserver + etcd, no nodes).
          operator log: %s
          kubeconfig:   %s

        In another terminal:
          export KUBECONFIG=%s
          kubectl apply -f examples/clawinstance-minimal.yaml
          kubectl get claw
          kubectl get claw -o wide

        There is no scheduler or kubelet here, so Pods stay Pending and the status says so.
        Ctrl-C stops the operator and the control plane.
        """.formatted(run.operator().log().toAbsolutePath(), KUBECONFIG, KUBECONFIG));
    stopped.await();
  }
}
