package io.claw.operator.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.testing.PreviousRelease;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;

class ClawPodTest {

  private static ClawInstance instance(String name) {
    return TestInstance.named(name).in("ns").uid("uid-1").image("nginx:1.27").build();
  }

  @Test
  void sameInputsGiveTheSamePod() {
    assertEquals(ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.ALWAYS, PodSecurityProfile.BASELINE),
        ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.ALWAYS, PodSecurityProfile.BASELINE));
  }

  @Test
  void imageChangeIsAnInPlaceUpdateNotARecreate() {
    Pod live = ClawPod.desired(instance("a"), "nginx:1.26", PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE);
    Pod desired = ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE);
    assertFalse(ClawPod.needsRecreate(live, desired));
    assertTrue(ClawPod.needsImageUpdate(live, desired));
  }

  @Test
  void policyOrEnvChangeMeansRecreate() {
    Pod live = ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE);
    assertTrue(ClawPod.needsRecreate(live, ClawPod.desired(instance("a"), "nginx:1.27", PullPolicy.ALWAYS, PodSecurityProfile.BASELINE)));

    ClawInstance withEnv = instance("a");
    withEnv.getSpec().getEnv().add(new EnvVar("MODE", "prod", null));
    assertTrue(ClawPod.needsRecreate(live, ClawPod.desired(withEnv, "nginx:1.27", PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE)));
    assertFalse(ClawPod.needsImageUpdate(live, ClawPod.desired(withEnv, "nginx:1.27", PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE)));
  }

  /**
   * The hash in claw.io/pod-spec-hash decides recreation. If a library upgrade (fabric8, Jackson)
   * changed how the same spec hashes, the new operator would recreate every Pod at once: these
   * values must never change unless that is meant, and then the release notes must say so.
   * They changed once, on purpose, when the Pod got automountServiceAccountToken: false
   * (docs/operations.md, "Upgrading"): before, the first one was {@link PreviousRelease#POD_SPEC_HASH}.
   */
  @Test
  void theRecreationHashOfAGivenSpecNeverChanges() {
    assertEquals("2d0b72947a80f4a9", hash(instance("a"), PullPolicy.IF_NOT_PRESENT));
    ClawInstance full = instance("a");
    full.getSpec().getEnv().add(new EnvVar("MODE", "prod", null));
    full.getSpec().setImagePullSecrets(java.util.List.of("regcred"));
    full.getSpec().setPort(8080);
    full.getSpec().setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"))
        .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("128Mi")).build());
    assertEquals("cd1d8e8203c0c099", hash(full, PullPolicy.ALWAYS));
  }

  private static String hash(ClawInstance instance, PullPolicy policy) {
    return ClawPod.desired(instance, "nginx:1.27", policy, PodSecurityProfile.BASELINE).getMetadata().getAnnotations().get(Labels.POD_SPEC_HASH);
  }

  @Test
  void podAlwaysCarriesAnExplicitPolicyEvenForLatest() {
    Pod pod = ClawPod.desired(instance("a"), "nginx:latest", PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE);
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
