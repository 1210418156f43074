package io.claw.operator.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.PullPolicy;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;

class ClawPodTest {

  private static ClawInstance instance(String name) {
    ClawInstance instance = new ClawInstance();
    instance.getMetadata().setName(name);
    instance.getMetadata().setNamespace("ns");
    instance.getMetadata().setUid("uid-1");
    instance.getSpec().setImage("nginx:1.27");
    return instance;
  }

  @Test
  void sameInputsGiveTheSamePod() {
    assertEquals(ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.ALWAYS),
        ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.ALWAYS));
  }

  @Test
  void imageChangeIsAnInPlaceUpdateNotARecreate() {
    Pod live = ClawPod.desired(instance("a"), "nginx:1.26", PullPolicy.IF_NOT_PRESENT);
    Pod desired = ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.IF_NOT_PRESENT);
    assertFalse(ClawPod.needsRecreate(live, desired));
    assertTrue(ClawPod.needsImageUpdate(live, desired));
  }

  @Test
  void policyOrEnvChangeMeansRecreate() {
    Pod live = ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.IF_NOT_PRESENT);
    assertTrue(ClawPod.needsRecreate(live, ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.ALWAYS)));

    ClawInstance withEnv = instance("a");
    withEnv.getSpec().getEnv().add(new EnvVar("MODE", "prod", null));
    assertTrue(ClawPod.needsRecreate(live, ClawPod.desired(withEnv, "nginx:1.27", PullPolicy.IF_NOT_PRESENT)));
    assertFalse(ClawPod.needsImageUpdate(live, ClawPod.desired(withEnv, "nginx:1.27", PullPolicy.IF_NOT_PRESENT)));
  }

  @Test
  void podAlwaysCarriesAnExplicitPolicyEvenForLatest() {
    Pod pod = ClawPod.desired(instance("a"), "nginx:latest", PullPolicy.IF_NOT_PRESENT);
    assertEquals("IfNotPresent", pod.getSpec().getContainers().get(0).getImagePullPolicy());
  }

  @Test
  void longNamesGiveValidDistinctLabelValues() {
    String base = "x".repeat(100);
    String a = Labels.labelValue(base + "a");
    String b = Labels.labelValue(base + "b");
    assertTrue(a.length() <= 63, a);
    assertNotEquals(a, b);
    assertEquals("short", Labels.labelValue("short"));
  }
}
