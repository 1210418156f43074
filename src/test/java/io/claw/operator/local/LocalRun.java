package io.claw.operator.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.claw.operator.testing.OperatorProcess;
import io.claw.operator.testing.RealNode;
import io.claw.operator.testing.TestCluster;

/**
 * Runs the packaged operator against an embedded control plane (the real kube-apiserver + etcd
 * the tests use), for trying the operator on a machine with no cluster and no Docker; with
 * {@code CLAW_LOCAL_REAL_NODE=true} also a real node (kubelet, containerd, registries) that
 * runs the Pods. Started by hack/run-local.sh; stops with Ctrl-C.
 */
public final class LocalRun implements AutoCloseable {

  public static final Path KUBECONFIG = Path.of("target", "local-cluster", "kubeconfig").toAbsolutePath();
  /** The image pushed to the real node's open registry, for a first instance. */
  public static final String DEMO_IMAGE = RealNode.Registry.OPEN.host() + "/claw-demo:1";

  private final TestCluster cluster;
  private final RealNode node;
  private final OperatorProcess operator;

  private LocalRun(TestCluster cluster, RealNode node, OperatorProcess operator) {
    this.cluster = cluster;
    this.node = node;
    this.operator = operator;
  }

  /**
   * @param settings operator settings as environment variables, e.g. CLAW_OPERATOR_DEFAULT_PULL_POLICY
   * @param realNode whether to run a real node beside the control plane
   */
  public static LocalRun start(Map<String, String> settings, boolean realNode) throws IOException {
    RealNode node = realNode ? RealNode.start("local-cluster") : null;
    TestCluster cluster = realNode ? node.cluster() : new TestCluster("local-cluster").start();
    if (realNode) {
      node.pushImage(RealNode.Registry.OPEN, "claw-demo:1", "demo");
    }
    Files.createDirectories(KUBECONFIG.getParent());
    Files.copy(cluster.kubeconfig(), KUBECONFIG, StandardCopyOption.REPLACE_EXISTING);
    Map<String, String> env = new HashMap<>(settings);
    env.put("KUBECONFIG", KUBECONFIG.toString());
    return new LocalRun(cluster, node, OperatorProcess.start("local-run", env));
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
    if (node != null) {
      node.close();
    } else {
      cluster.close();
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new HashMap<>();
    System.getenv().forEach((name, value) -> {
      if (name.startsWith("CLAW_OPERATOR_")) {
        settings.put(name, value);
      }
    });
    boolean realNode = Boolean.parseBoolean(System.getenv("CLAW_LOCAL_REAL_NODE"));
    if (realNode && RealNode.unavailableReason() != null) {
      throw new IllegalStateException("No real node here: " + RealNode.unavailableReason());
    }
    LocalRun run = start(settings, realNode);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        run.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stopped.countDown();
    }));
    System.out.println(realNode ? realNodeHelp(run) : """

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

  private static String realNodeHelp(LocalRun run) {
    return """

        claw-operator is running against a local control plane with a real node: kubelet,
        containerd and three registries (registry.local, private.registry.local with user %s
        and password %s, airgap.registry.local). Image %s is in registry.local.
          operator log: %s
          node logs:    target/real-node/local-cluster/logs/
          kubeconfig:   %s

        In another terminal:
          export KUBECONFIG=%s
          kubectl apply -f - <<EOF
          apiVersion: claw.io/v1alpha1
          kind: ClawInstance
          metadata: {name: demo}
          spec: {image: %s}
          EOF
          kubectl get claw,pods -o wide
          hack/real-node.sh image target/real-node/local-cluster open demo:2 v2   # push another image
          hack/real-node.sh registry target/real-node/local-cluster stop open     # take the registry down

        Ctrl-C stops the operator, the node and the control plane, and undoes the node's changes.
        """.formatted(run.node.registryUser(), run.node.registryPassword(), DEMO_IMAGE,
        run.operator().log().toAbsolutePath(), KUBECONFIG, KUBECONFIG, DEMO_IMAGE);
  }
}
