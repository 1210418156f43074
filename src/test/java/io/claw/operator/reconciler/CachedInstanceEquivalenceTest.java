package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PodSecurityReport;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.cache.InstancesAsRead;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.SpecProblems;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The instance cache shares empty collections and recurring strings ({@link InstancesAsRead}): the
 * desired Pod, its hash and the spec's problems must come out the same from the cached instance as
 * from the one the API server sent, and the cached one must not hold copies of what recurs.
 */
class CachedInstanceEquivalenceTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** An instance as the informer gets it: parsed from the API server's JSON, so every string a new copy. */
  private static ClawInstance parsed(String name, String json) {
    ClawInstance instance = JSON.unmarshal(json, ClawInstance.class);
    instance.getMetadata().setName(name);
    return instance;
  }

  private static final String PLAIN = """
      {"apiVersion": "claw.io/v1alpha1", "kind": "ClawInstance",
       "metadata": {"namespace": "team-a", "uid": "u", "generation": 2},
       "spec": {"image": "registry.local/app:1"},
       "status": {"pullPolicy": "IfNotPresent", "pullPolicySource": "rule", "pullPolicyRule": "mirror",
                  "image": "registry.local/app:1",
                  "podSecurity": {"profile": "baseline", "reason": "namespace team-a has no pod-security.kubernetes.io/enforce label"}}}""";

  private static final String TRACKING = """
      {"apiVersion": "claw.io/v1alpha1", "kind": "ClawInstance",
       "metadata": {"namespace": "team-a", "uid": "u", "generation": 1},
       "spec": {"image": "registry.local/app:stable", "tagResolution": "track"},
       "status": {"image": "registry.local/app@sha256:aaaa",
                  "resolvedImage": {"mode": "track", "tag": "registry.local/app:stable", "digest": "sha256:aaaa",
                                    "resolvedAt": "2026-12-02T10:00:00Z"},
                  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainerCreating", "message": "m"},
                                 {"type": "ImageUpToDate", "status": "True", "reason": "TagCurrent",
                                  "message": "The registry's registry.local/app:stable is sha256:aaaa, which the Pod runs",
                                  "lastTransitionTime": "2026-12-02T10:00:00Z", "observedGeneration": 1}]}}""";

  private static final String FULL = """
      {"apiVersion": "claw.io/v1alpha1", "kind": "ClawInstance",
       "metadata": {"namespace": "team-a", "uid": "u", "generation": 2},
       "spec": {"image": "registry.local/app:1", "imagePullSecrets": ["regcred"], "command": ["/app"], "args": ["-v"],
                "env": [{"name": "A", "value": "1"}], "nodeSelector": {"disk": "ssd"},
                "tolerations": [{"key": "k", "operator": "Exists"}], "podLabels": {"team": "a"},
                "podAnnotations": {"note": "x"}, "volumes": [{"name": "data", "emptyDir": {}}],
                "volumeMounts": [{"name": "data", "mountPath": "/data"}]}}""";

  private static ClawInstance cached(InstancesAsRead cache, String key, ClawInstance instance) {
    cache.put(key, instance);
    return cache.get(key);
  }

  @Test
  void theDesiredPodIsTheSameFromTheCachedInstance() {
    for (String json : List.of(PLAIN, FULL, TRACKING)) {
      ClawInstance sent = parsed("web", json);
      ClawInstance cached = cached(new InstancesAsRead(), "team-a/web", parsed("web", json));
      for (PodSecurityProfile profile : PodSecurityProfile.values()) {
        assertEquals(JSON.asJson(ClawPod.desired(sent, "registry.local/app:1", PullPolicy.ALWAYS, profile)),
            JSON.asJson(ClawPod.desired(cached, "registry.local/app:1", PullPolicy.ALWAYS, profile)), json);
      }
      assertEquals(SpecProblems.of(sent.getSpec()), SpecProblems.of(cached.getSpec()));
      assertEquals(sent.getStatus(), cached.getStatus());
    }
  }

  @Test
  void recurringValuesAreHeldOnce() {
    InstancesAsRead cache = new InstancesAsRead();
    ClawInstance first = cached(cache, "team-a/one", parsed("one", PLAIN));
    ClawInstance second = cached(cache, "team-a/two", parsed("two", PLAIN));
    assertSame(first.getSpec().getCommand(), second.getSpec().getTolerations(), "one shared empty list");
    assertSame(Map.of(), first.getSpec().getPodLabels());
    ClawInstanceStatus a = first.getStatus();
    ClawInstanceStatus b = second.getStatus();
    assertSame(a.podSecurity().reason(), b.podSecurity().reason());
    assertSame(a.pullPolicyRule(), b.pullPolicyRule());
    assertSame(a.image(), b.image());
    assertSame(first.getSpec().getImage(), second.getSpec().getImage());
    assertEquals(new PodSecurityReport(PodSecurityProfile.BASELINE,
        "namespace team-a has no pod-security.kubernetes.io/enforce label"), a.podSecurity());
    ClawInstanceStatus t1 = cached(cache, "team-a/t1", parsed("t1", TRACKING)).getStatus();
    ClawInstanceStatus t2 = cached(cache, "team-a/t2", parsed("t2", TRACKING)).getStatus();
    assertSame(t1.resolvedImage().digest(), t2.resolvedImage().digest());
    assertSame(t1.resolvedImage().tag(), t2.resolvedImage().tag());
    assertSame(t1.condition("ImageUpToDate").orElseThrow().message(), t2.condition("ImageUpToDate").orElseThrow().message());
    assertEquals(1, cached(cache, "team-a/full", parsed("full", FULL)).getSpec().getTolerations().size());
    assertEquals(new TolerationBuilder().withKey("k").withOperator("Exists").build(),
        cache.get("team-a/full").getSpec().getTolerations().get(0));
  }
}
