package io.claw.operator.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

class PullerPodTest {

  private static final ClawInstance OWNER = TestInstance.named("web").in("team-a").uid("uid-1")
      .image("registry.local/app:1").build();
  private static final PullerPod.Target TARGET = new PullerPod.Target("node-1", "private.registry.local/app:2",
      PullPolicy.ALWAYS, List.of("team-a-pull"));

  private static Pod puller() {
    return PullerPod.desired(OWNER, TARGET, List.of(new TolerationBuilder().withKey("gpu").withOperator("Exists")
        .build()), "registry.local/claw/claw-operator:1");
  }

  @Test
  void passesTheRestrictedStandard() {
    assertEquals(List.of(), RestrictedProfile.violations(puller().getSpec()));
  }

  @Test
  void pullsTheNewImageOnTheNodeWithTheInstancesPolicyAndSecretsAndRunsOnlyTheProgram() {
    Pod pod = puller();
    assertEquals("node-1", pod.getSpec().getNodeName());
    assertEquals("team-a", pod.getMetadata().getNamespace());
    assertEquals(TARGET.podName(), pod.getMetadata().getName());
    assertEquals("Never", pod.getSpec().getRestartPolicy());
    assertEquals(List.of("team-a-pull"), pod.getSpec().getImagePullSecrets().stream().map(r -> r.getName()).toList());
    Container pull = pod.getSpec().getContainers().get(0);
    assertEquals("private.registry.local/app:2", pull.getImage());
    assertEquals("Always", pull.getImagePullPolicy());
    // the image's entrypoint never runs: the program from the tool image does
    assertEquals(List.of("/claw-pull/claw-pull-done"), pull.getCommand());
    Container install = pod.getSpec().getInitContainers().get(0);
    assertEquals("registry.local/claw/claw-operator:1", install.getImage());
    assertEquals(List.of(PullerPod.TOOL_PATH, "install", "/claw-pull/claw-pull-done"), install.getCommand());
    assertEquals(List.of("gpu"), pod.getSpec().getTolerations().stream().map(t -> t.getKey()).toList());
    assertFalse(pod.getSpec().getAutomountServiceAccountToken());
    // a quota that wants requests and limits admits it
    for (Container c : List.of(pull, install)) {
      assertEquals(c.getResources().getRequests(), c.getResources().getLimits());
    }
  }

  @Test
  void isNotAnAppPodAndDoesNotHoldUpItsOwnersDeletion() {
    Pod pod = puller();
    assertFalse(Labels.hasAll(pod, java.util.Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)));
    assertTrue(Labels.hasAll(pod, java.util.Map.of(PullerPod.LABEL, "true")));
    var owner = pod.getMetadata().getOwnerReferences().get(0);
    assertEquals("uid-1", owner.getUid());
    assertFalse(owner.getController());
    assertFalse(owner.getBlockOwnerDeletion());
    assertNull(pod.getSpec().getServiceAccountName());
  }
}
