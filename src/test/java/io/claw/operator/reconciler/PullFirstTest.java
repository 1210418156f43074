package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.kubeletEnds;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.running;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.PullerPod;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.KubeApiServerResource;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Pull first against a real API server, the kubelet's reports simulated: a running Pod's image
 * change makes a puller on its node and waits for it; the Pod moves only once the puller is done;
 * a pull that fails and a puller the API server refuses leave the Pod as it is and say why.
 */
@QuarkusTest
@WithTestResource(KubeApiServerResource.class)
@TestProfile(PullFirstTest.WithToolImage.class)
class PullFirstTest extends ApiServerTest {

  static final String TOOL = "registry.example.com/claw/claw-operator:1";
  private static final String OLD = "registry.example.com/app:1";
  private static final String NEW = "registry.example.com/app:2";

  public static class WithToolImage implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("claw.operator.pull-ahead.tool-image", TOOL);
    }
  }

  /** The instance's Pod, bound to node-1 and reported running, as the scheduler and the kubelet would. */
  private Pod runningOnANode(String name) {
    client.resource(instance(ns, name, OLD, null)).create();
    awaitPod(client, ns, name, p -> true);
    client.resource(new BindingBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewTarget().withKind("Node").withApiVersion("v1").withName("node-1").endTarget().build()).create();
    kubeletReports(client, ns, name, running("registry.example.com/app@sha256:" + "1".repeat(64)));
    awaitStatus(client, ns, name, s -> s.phase() == Phase.Running);
    return client.pods().inNamespace(ns).withName(name).get();
  }

  private Pod awaitPuller() {
    await().until(() -> client.pods().inNamespace(ns).withLabel(PullerPod.LABEL, "true").list().getItems().size() == 1);
    return client.pods().inNamespace(ns).withLabel(PullerPod.LABEL, "true").list().getItems().get(0);
  }

  private void assertStillOld(String name, Pod before) {
    Pod now = client.pods().inNamespace(ns).withName(name).get();
    assertEquals(before.getMetadata().getUid(), now.getMetadata().getUid());
    assertEquals(OLD, now.getSpec().getContainers().get(0).getImage(), "the running container keeps its image");
  }

  @Test
  void theNewImageIsPulledOnThePodsNodeFirstAndThePodMovesOnlyOnceThatIsDone() {
    Pod before = runningOnANode("web");
    editSpec(client, ns, "web", spec -> spec.setImage(NEW));
    Pod puller = awaitPuller();
    assertEquals("node-1", puller.getSpec().getNodeName());
    assertEquals(NEW, puller.getSpec().getContainers().get(0).getImage());
    assertEquals(TOOL, puller.getSpec().getInitContainers().get(0).getImage());
    ClawInstanceStatus pulling = awaitStatus(client, ns, "web",
        s -> s.condition(ClawCondition.IMAGE_ROLLED_OUT).isPresent());
    assertEquals(Reasons.PULLING_AHEAD, pulling.condition(ClawCondition.IMAGE_ROLLED_OUT).orElseThrow().reason());
    assertEquals(Phase.Running, pulling.phase());
    assertStillOld("web", before);

    kubeletEnds(client, ns, puller.getMetadata().getName(), "Succeeded", null, 0, "");
    awaitPod(client, ns, "web", p -> NEW.equals(p.getSpec().getContainers().get(0).getImage()));
    assertEquals(before.getMetadata().getUid(), client.pods().inNamespace(ns).withName("web").get().getMetadata()
        .getUid(), "moved in place, the same Pod");
    await().until(() -> client.pods().inNamespace(ns).withLabel(PullerPod.LABEL, "true").list().getItems().isEmpty());
    awaitStatus(client, ns, "web", s -> s.condition(ClawCondition.IMAGE_ROLLED_OUT).isEmpty());
  }

  @Test
  void aPullThatFailsOnTheNodeLeavesThePodAsItIsAndIsReportedWithItsCause() {
    Pod before = runningOnANode("web");
    editSpec(client, ns, "web", spec -> spec.setImage(NEW));
    Pod puller = awaitPuller();
    kubeletReports(client, ns, puller.getMetadata().getName(), waiting("ErrImagePull",
        "rpc error: code = NotFound desc = failed to pull and unpack image \"" + NEW + "\": failed to resolve "
            + "reference \"" + NEW + "\": " + NEW + ": not found"));
    ClawInstanceStatus failing = awaitStatus(client, ns, "web", s -> s.pullFailure() != null);
    assertEquals(PullFailureCause.NOT_FOUND, failing.pullFailure().cause());
    assertEquals(Phase.Running, failing.phase());
    assertEquals(ClawCondition.TRUE, failing.condition(ClawCondition.READY).orElseThrow().status());
    assertEquals(Reasons.PULL_AHEAD_FAILED, failing.condition(ClawCondition.IMAGE_ROLLED_OUT).orElseThrow().reason());
    assertStillOld("web", before);

    // fixed by another edit: the failing puller goes, a new one pulls the new image
    editSpec(client, ns, "web", spec -> spec.setImage("registry.example.com/app:3"));
    await().until(() -> client.pods().inNamespace(ns).withName(puller.getMetadata().getName()).get() == null);
    Pod next = awaitPuller();
    assertEquals("registry.example.com/app:3", next.getSpec().getContainers().get(0).getImage());
    kubeletEnds(client, ns, next.getMetadata().getName(), "Succeeded", null, 0, "");
    awaitPod(client, ns, "web", p -> "registry.example.com/app:3".equals(p.getSpec().getContainers().get(0).getImage()));
  }

  @Test
  void aPullerTheApiServerRefusesLeavesThePodAsItIsAndSaysWhy() {
    Pod before = runningOnANode("web");
    // admission refuses the puller's 10m CPU limit; the instance's Pod exists already
    client.resource(new LimitRangeBuilder().withNewMetadata().withName("tiny").withNamespace(ns).endMetadata()
        .withNewSpec().addNewLimit().withType("Container").withMax(Map.of("cpu", new Quantity("5m"))).endLimit()
        .endSpec().build()).create();
    editSpec(client, ns, "web", spec -> spec.setImage(NEW));
    ClawInstanceStatus refused = awaitStatus(client, ns, "web", s -> s.condition(ClawCondition.IMAGE_ROLLED_OUT)
        .filter(c -> Reasons.PULLER_REFUSED.equals(c.reason())).isPresent());
    String message = refused.condition(ClawCondition.IMAGE_ROLLED_OUT).orElseThrow().message();
    assertTrue(message.contains("maximum cpu usage per Container is 5m"), message);
    assertTrue(message.contains("pull-ahead.when-refused=switch"), message);
    assertEquals(Phase.Running, refused.phase());
    assertStillOld("web", before);
    assertEquals(List.of(), client.pods().inNamespace(ns).withLabel(PullerPod.LABEL, "true").list().getItems());
  }
}
