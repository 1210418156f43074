package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.instance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.api.Reasons;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.KubeApiServerResource;
import io.claw.operator.testing.TestWatch;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Every level of the pull policy against a real API server, alone and in combination: spec, the
 * namespace's annotation, the rules (first match, credentials), the operator default; an
 * annotation edit replaces exactly the Pods whose policy changed, once each; an invalid
 * annotation falls through to the next level and is said once.
 */
@QuarkusTest
@WithTestResource(KubeApiServerResource.class)
@TestProfile(PullPolicyLevelsTest.WithRules.class)
class PullPolicyLevelsTest extends ApiServerTest {

  public static class WithRules implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "claw.operator.default-pull-policy", "Always",
          "claw.operator.pull-policy-rules", """
              [{"name": "mirror", "registry": "mirror.airgap.local", "pullPolicy": "Never"},
               {"name": "harbor", "registry": "harbor.example.com", "credentialsRequired": true}]""");
    }
  }

  private static final String PLAIN = "example.org/app:1";
  private static final String MIRRORED = "mirror.airgap.local/app:1";
  private static final String PRIVATE = "harbor.example.com/team/app:1";

  @Test
  void eachLevelAloneAndTogetherAndAnAnnotationEditReplacesExactlyThePodsItChanges() {
    try (PodCreations creations = PodCreations.watch(client, ns)) {
      client.resource(instance(ns, "plain", PLAIN, null)).create();
      client.resource(instance(ns, "mirrored", MIRRORED, null)).create();
      client.resource(instance(ns, "own", PLAIN, PullPolicy.IF_NOT_PRESENT)).create();
      client.resource(instance(ns, "private", PRIVATE, PullPolicy.NEVER)).create();
      client.resource(instance(ns, "private-default", PRIVATE, null)).create();

      assertLevel("plain", PullPolicy.ALWAYS, PullPolicySource.OPERATOR_DEFAULT, null);
      assertLevel("mirrored", PullPolicy.NEVER, PullPolicySource.RULE, "mirror");
      assertLevel("own", PullPolicy.IF_NOT_PRESENT, PullPolicySource.SPEC, null);
      ClawInstanceStatus overridden = assertLevel("private", PullPolicy.ALWAYS, PullPolicySource.RULE, "harbor");
      assertTrue(overridden.pullPolicyNote().startsWith("spec.pullPolicy Never is not applied: images of "
          + "harbor.example.com need credentials (rule harbor)"), overridden.pullPolicyNote());
      assertNull(assertLevel("private-default", PullPolicy.ALWAYS, PullPolicySource.RULE, "harbor").pullPolicyNote());
      Map<String, String> before = podUids();

      // the namespace's default comes before rules and the operator default, after spec and credentials
      annotateNamespace("IfNotPresent");
      assertLevel("plain", PullPolicy.IF_NOT_PRESENT, PullPolicySource.NAMESPACE, null);
      assertLevel("mirrored", PullPolicy.IF_NOT_PRESENT, PullPolicySource.NAMESPACE, null);
      ClawInstanceStatus kept = assertLevel("private-default", PullPolicy.ALWAYS, PullPolicySource.RULE, "harbor");
      assertTrue(kept.pullPolicyNote().startsWith("The namespace default IfNotPresent (claw.io/default-pull-policy) "
          + "is not applied: images of harbor.example.com need credentials"), kept.pullPolicyNote());
      awaitPod(client, ns, "plain", p -> !p.getMetadata().getUid().equals(before.get("plain"))
          && "IfNotPresent".equals(p.getSpec().getContainers().get(0).getImagePullPolicy()));
      awaitPod(client, ns, "mirrored", p -> !p.getMetadata().getUid().equals(before.get("mirrored"))
          && "IfNotPresent".equals(p.getSpec().getContainers().get(0).getImagePullPolicy()));
      assertPodsStay(Set.of("plain", "mirrored", "own", "private", "private-default"), creations,
          Map.of("plain", 2, "mirrored", 2, "own", 1, "private", 1, "private-default", 1));
      assertEquals(before.get("own"), podUids().get("own"));
      assertEquals(before.get("private"), podUids().get("private"));
      assertEquals(before.get("private-default"), podUids().get("private-default"));

      // an invalid annotation: the next level applies, the status says why, one Warning per instance
      annotateNamespace("ifnotpresent");
      ClawInstanceStatus fellThrough = assertLevel("plain", PullPolicy.ALWAYS, PullPolicySource.OPERATOR_DEFAULT, null);
      assertEquals("Namespace " + ns + " has claw.io/default-pull-policy='ifnotpresent', which is not one of "
          + "Always, IfNotPresent, Never (case-sensitive): ignored, the next level applies", fellThrough.pullPolicyNote());
      assertEquals(fellThrough.pullPolicyNote(),
          assertLevel("mirrored", PullPolicy.NEVER, PullPolicySource.RULE, "mirror").pullPolicyNote());
      assertNull(assertLevel("own", PullPolicy.IF_NOT_PRESENT, PullPolicySource.SPEC, null).pullPolicyNote(),
          "the instance's own policy does not depend on the annotation");
      assertPodsStay(Set.of("plain", "mirrored", "own", "private", "private-default"), creations,
          Map.of("plain", 3, "mirrored", 3, "own", 1, "private", 1, "private-default", 1));
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertEquals(1, warnings("plain", Reasons.INVALID_NAMESPACE_DEFAULT).size());
        assertEquals(1, warnings("mirrored", Reasons.INVALID_NAMESPACE_DEFAULT).size());
      });
      assertEquals(1, warnings("private", Reasons.CREDENTIALS_REQUIRED).size());
      assertEquals(List.of(), warnings("own", Reasons.INVALID_NAMESPACE_DEFAULT));

      // removing it: back to the rule and the operator default, the note gone
      annotateNamespace(null);
      assertNull(assertLevel("plain", PullPolicy.ALWAYS, PullPolicySource.OPERATOR_DEFAULT, null).pullPolicyNote());
      assertNull(assertLevel("mirrored", PullPolicy.NEVER, PullPolicySource.RULE, "mirror").pullPolicyNote());
      assertPodsStay(Set.of("plain", "mirrored", "own", "private", "private-default"), creations,
          Map.of("plain", 3, "mirrored", 3, "own", 1, "private", 1, "private-default", 1));
      assertEquals(1, warnings("plain", Reasons.INVALID_NAMESPACE_DEFAULT).size(), "said once, not again on removal");
    }
  }

  @Test
  void aDigestPinnedImageAndAnImageWithoutRuleFollowTheOperatorDefault() {
    client.resource(instance(ns, "pinned", "mirror.airgap.local/app@sha256:" + "0".repeat(64), null)).create();
    assertLevel("pinned", PullPolicy.NEVER, PullPolicySource.RULE, "mirror");
    client.resource(instance(ns, "elsewhere", "registry.example.net/app:1", null)).create();
    assertLevel("elsewhere", PullPolicy.ALWAYS, PullPolicySource.OPERATOR_DEFAULT, null);
    assertEquals("Always", awaitPod(client, ns, "elsewhere", p -> true).getSpec().getContainers().get(0)
        .getImagePullPolicy());
  }

  private ClawInstanceStatus assertLevel(String name, PullPolicy policy, PullPolicySource source, String rule) {
    ClawInstanceStatus status = awaitStatus(client, ns, name, s -> s.pullPolicySource() == source
        && s.pullPolicy() == policy);
    assertEquals(rule, status.pullPolicyRule(), name);
    awaitPod(client, ns, name, p -> policy.value().equals(p.getSpec().getContainers().get(0).getImagePullPolicy()));
    return status;
  }

  private void annotateNamespace(String value) {
    client.namespaces().withName(ns).edit(n -> {
      if (value == null) {
        n.getMetadata().getAnnotations().remove(EffectivePullPolicy.NAMESPACE_ANNOTATION);
      } else {
        n.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(EffectivePullPolicy.NAMESPACE_ANNOTATION, value)));
      }
      return n;
    });
  }

  private Map<String, String> podUids() {
    return client.pods().inNamespace(ns).list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
  }

  /** Waits until each Pod exists, then checks for 3 s that no more Pods were created than counted. */
  private void assertPodsStay(Set<String> names, PodCreations creations, Map<String, Integer> created) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> podUids().keySet().containsAll(names));
    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertEquals(created, creations.counts()));
  }

  private List<Event> warnings(String name, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .toList();
  }

  /** Counts the Pods created per instance, from a watch. */
  private static final class PodCreations implements AutoCloseable {
    private final Map<String, Set<String>> uids = new ConcurrentHashMap<>();
    private final TestWatch<Pod> watch;

    private PodCreations(io.fabric8.kubernetes.client.KubernetesClient client, String ns) {
      watch = TestWatch.start(client.pods().inNamespace(ns), (action, pod) ->
          uids.computeIfAbsent(pod.getMetadata().getName(), n -> ConcurrentHashMap.newKeySet())
              .add(pod.getMetadata().getUid()));
    }

    static PodCreations watch(io.fabric8.kubernetes.client.KubernetesClient client, String ns) {
      return new PodCreations(client, ns);
    }

    Map<String, Integer> counts() {
      watch.check();
      return uids.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
