package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.claw.operator.testing.OperatorProcess;
import io.claw.operator.testing.TestCluster;
import io.claw.operator.testing.TestWatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What a rolling `helm upgrade` does to the operator: the new operator starts while the old one
 * still runs. With the chart's default leader election, only the Lease holder reconciles, so
 * the two never fight over the Pods of instances that follow the operator default.
 */
class LeaderElectionIT {

  private static final int INSTANCES = 10;

  private static TestCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void startCluster() {
    cluster = new TestCluster("leader-election-it").start();
    client = cluster.client();
  }

  @AfterAll
  static void stopCluster() {
    client.close();
    cluster.close();
  }

  /** The environment the chart gives the operator by default, with the chart's default Lease. */
  private static Map<String, String> chartEnv(String defaultPullPolicy) {
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", cluster.kubeconfig().toString());
    env.put("QUARKUS_HTTP_PORT", "0");
    env.put("CLAW_OPERATOR_DEFAULT_PULL_POLICY", defaultPullPolicy);
    env.put("CLAW_OPERATOR_DEFAULT_IMAGE", "registry.example.com/app:1");
    env.put("CLAW_OPERATOR_LEADER_ELECTION_ENABLED", "true");
    env.put("CLAW_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", "default");
    return env;
  }

  @Test
  void anOldAndANewOperatorSideBySideReplaceEachPodExactlyOnce() throws Exception {
    String ns = newNamespace(client);
    Set<String> podUids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicLong firstReplacement = new java.util.concurrent.atomic.AtomicLong();
    try (OperatorProcess old = OperatorProcess.start("leader-old", chartEnv("Never"));
        TestWatch<Pod> pods = TestWatch.start(client.pods().inNamespace(ns), (action, pod) -> {
          if (podUids.add(pod.getMetadata().getUid()) && podUids.size() == INSTANCES + 1) {
            firstReplacement.set(System.nanoTime());
          }
        })) {
      IntStream.range(0, INSTANCES).forEach(i -> client.resource(instance(ns, "follows-" + i, null, null)).create());
      await(Duration.ofSeconds(60)).until(() -> policies(ns).equals(Set.of("Never")) && podUids.size() == INSTANCES);

      try (OperatorProcess upgraded = OperatorProcess.start("leader-new", chartEnv("Always"))) {
        // both run, as during a rolling update: the follower must not touch anything
        upgraded.httpPort();
        Awaitility.await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20))
            .until(() -> podUids.size() == INSTANCES && policies(ns).equals(Set.of("Never")));
        System.out.println("[leader-election] follower readiness: " + upgraded.get("/q/health/ready"));

        long terminated = System.nanoTime();
        assertTrue(old.stopGracefully(30), old.output());
        assertTrue(old.output().contains("Released the leader election Lease"), old.output());
        await(Duration.ofSeconds(90)).until(() -> policies(ns).equals(Set.of("Always")));
        double allMoved = (System.nanoTime() - terminated) / 1e9;
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
            .until(() -> podUids.size() == 2 * INSTANCES);
        assertEquals(2 * INSTANCES, podUids.size(), "each Pod replaced exactly once: " + podUids.size() + " Pods seen");
        System.out.printf("[leader-election] SIGTERM to the old leader -> first Pod replaced by the new one: %.1f s,"
            + " every Pod on the new default: %.1f s%n", (firstReplacement.get() - terminated) / 1e9, allMoved);
      }
    }
  }

  private static Set<String> policies(String ns) {
    List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
    Set<String> policies = new HashSet<>();
    pods.forEach(p -> policies.add(p.getSpec().getContainers().get(0).getImagePullPolicy()));
    return pods.size() == INSTANCES ? policies : Set.of();
  }

  private static org.awaitility.core.ConditionFactory await(Duration atMost) {
    return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions();
  }
}
