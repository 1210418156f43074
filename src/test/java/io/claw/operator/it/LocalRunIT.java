package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.claw.operator.local.LocalRun;
import io.claw.operator.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The local run (hack/run-local.sh) driven the way its instructions say: with kubectl. */
class LocalRunIT {

  @Test
  void kubectlAgainstTheLocalControlPlaneShowsWhatTheOperatorDoes() throws Exception {
    try (LocalRun run = LocalRun.start(Map.of("CLAW_OPERATOR_DEFAULT_PULL_POLICY", "Never"), false);
        KubernetesClient client = run.cluster().client()) {
      TestCluster cluster = run.cluster();

      var applied = cluster.kubectl(null, "apply", "-f", "examples/clawinstance-minimal.yaml");
      assertEquals(0, applied.exitCode(), applied.output());
      awaitPod(client, "default", "claw-minimal", p -> true);

      // No kubelet here: the status says so in plain words.
      String pending = await().until(() -> cluster.kubectl(null, "get", "claw", "claw-minimal", "-o", "wide").output(),
          out -> out.contains("Pending") && out.contains("no scheduler or kubelet"));
      assertTrue(pending.contains("Never"), "the operator default from the environment: " + pending);

      kubeletReports(client, "default", "claw-minimal",
          waiting("ImagePullBackOff", "Back-off pulling image \"nginx:1.27\""));
      String failing = await().until(() -> cluster.kubectl(null, "get", "claw", "claw-minimal").output(),
          out -> out.contains("ImagePullFailed"));
      String[] lines = failing.strip().split("\n");
      assertTrue(lines[0].matches("NAME\\s+READY\\s+PHASE\\s+IMAGE\\s+ADDRESS\\s+PULL-POLICY\\s+PULL-FAILURE\\s+CAUSE\\s+AGE"), lines[0]);
      assertTrue(lines[1].matches("claw-minimal\\s+False\\s+ImagePullFailed\\s+nginx:1\\.27\\s+Never\\s+ImagePullBackOff\\s+Unknown\\s+\\S+"),
          lines[1]);

      var rejected = cluster.kubectl("""
          apiVersion: claw.io/v1alpha1
          kind: ClawInstance
          metadata:
            name: claw-bad
          spec:
            image: nginx:1.27
            pullPolicy: Sometimes
          """, "apply", "-f", "-");
      assertNotEquals(0, rejected.exitCode());
      assertTrue(rejected.output().contains("Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""),
          rejected.output());
    }
  }
}
