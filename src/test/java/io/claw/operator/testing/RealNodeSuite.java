package io.claw.operator.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import io.claw.operator.api.ClawInstanceStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What every real-node test class shares: the rig started (or the class skipped with the reason),
 * its client, the packaged operator run against it, the figures the class measures (printed when
 * it closes), and what a failed test saw.
 */
public final class RealNodeSuite implements AutoCloseable {

  private final String name;
  private final RealNode node;
  private final KubernetesClient client;
  private final Duration slow;
  private final List<String> report = new ArrayList<>();
  private OperatorProcess operator;

  private RealNodeSuite(String name, RealNode node, Duration slow) {
    this.name = name;
    this.node = node;
    this.client = node.client();
    this.slow = slow;
  }

  /** Starts the rig, or skips the class: without root, or against another Kubernetes version. */
  public static RealNodeSuite start(String name, Duration slow) {
    String unavailable = RealNode.unavailableReason();
    assumeTrue(unavailable == null, () -> "real node skipped: " + unavailable);
    return new RealNodeSuite(name, RealNode.start(name), slow);
  }

  public RealNode node() {
    return node;
  }

  public KubernetesClient client() {
    return client;
  }

  /** The packaged operator against the rig, the one before it (if any) stopped; returns once it listens. */
  public OperatorProcess startOperator(String name, Map<String, String> env) {
    stopOperator();
    Map<String, String> all = new HashMap<>(Map.of(
        "KUBECONFIG", node.cluster().kubeconfig().toString(),
        "QUARKUS_HTTP_PORT", "0"));
    all.putAll(env);
    operator = OperatorProcess.start(name, all);
    operator.httpPort();
    return operator;
  }

  private void stopOperator() {
    if (operator == null) {
      return;
    }
    try {
      operator.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    operator = null;
  }

  public OperatorProcess operator() {
    return operator;
  }

  /** A figure the class measured, printed with the others when it closes. */
  public void report(String line) {
    report.add(line);
  }

  public ConditionFactory slow() {
    return Awaitility.await().atMost(slow).pollInterval(Duration.ofMillis(100)).ignoreExceptions();
  }

  public ClawInstanceStatus awaitStatus(String ns, String name, Predicate<ClawInstanceStatus> condition) {
    return Fixtures.awaitStatus(slow(), client, ns, name, condition);
  }

  /**
   * For a class's {@code @RegisterExtension}: on failure, print the kubectl commands' output, the
   * operator's log and the kubelet's. The suite is asked for when a test fails, since the
   * extension exists before the rig does.
   */
  public static TestWatcher dumpOnFailure(Supplier<RealNodeSuite> suite, List<List<String>> kubectl,
      Function<RealNodeSuite, String> operatorLog) {
    return new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
        RealNodeSuite running = suite.get();
        if (running != null) {
          running.node.printWhatItShowed(context.getDisplayName(), kubectl, operatorLog.apply(running));
        }
      }
    };
  }

  /** The operator process's last lines, for {@link #dumpOnFailure}. */
  public static String operatorTail(RealNodeSuite suite) {
    return suite.operator == null ? "" : Command.tail(suite.operator.output(), 60);
  }

  public static boolean isRunning(Pod pod) {
    return pod != null && pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream().anyMatch(cs -> cs.getState().getRunning() != null);
  }

  public static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  @Override
  public void close() {
    if (!report.isEmpty()) {
      System.out.println("=== measured on the real node (" + name + ") ===");
      report.forEach(System.out::println);
    }
    stopOperator();
    client.close();
    node.close();
  }
}
