package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.instance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.Labels;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.ClusterControllersResource;
import io.claw.operator.testing.OperatorLog;
import io.claw.operator.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The operator beside the controllers every cluster runs (garbage collector, resource quota,
 * namespace deletion): instances come back by themselves after an eviction or a refusal that is
 * fixed later, and a namespace that goes away takes its instances quietly. Pod status is written
 * as a kubelet would (RealNodeIT evicts for real).
 */
@QuarkusTest
@WithTestResource(ClusterControllersResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfHealingTest extends ApiServerTest {

  private static final String EVICTED_BY_MEMORY = "The node was low on resource: memory. ";

  @Inject
  MeterRegistry registry;

  /** What the kubelet's eviction manager writes (pkg/kubelet/eviction/eviction_manager.go, evictPod). */
  private Pod evict(String name) {
    return client.pods().inNamespace(ns).withName(name).editStatus(pod -> new PodBuilder(pod).editOrNewStatus()
        .withPhase("Failed").withReason("Evicted").withMessage(EVICTED_BY_MEMORY).endStatus().build());
  }

  private List<Event> events(String name, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
  }

  private double replacements(String reason) {
    Counter counter = registry.find("claw.pod.replacements").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @Order(1)
  void anEvictedPodIsReplacedAndPodsThatKeepEndingBackOff() {
    client.resource(instance(ns, "evicted", "nginx:1.27", null)).create();
    Pod first = awaitPod(client, ns, "evicted", p -> true);
    double before = replacements("Evicted");

    evict("evicted");
    Pod second = awaitPod(client, ns, "evicted", p -> !p.getMetadata().getUid().equals(first.getMetadata().getUid()));
    assertEquals("1", second.getMetadata().getAnnotations().get(Labels.ENDED_PODS));
    ClawInstanceStatus status = awaitStatus(client, ns, "evicted", s -> s.endedPods() != null);
    assertEquals(1, status.endedPods());
    Event replaced = Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> events("evicted", Reasons.POD_REPLACED), e -> !e.isEmpty()).get(0);
    assertEquals("Warning", replaced.getType());
    assertEquals("Replacing Pod evicted, evicted by the node: The node was low on resource: memory. (1 in a row)",
        replaced.getMessage());
    assertEquals(before + 1, replacements("Evicted"));

    // The replacement is evicted too, seconds after its creation: the next waits out a back-off.
    evict("evicted");
    ClawInstanceStatus backingOff = awaitStatus(client, ns, "evicted", s -> s.phase() == Phase.Failed);
    ClawCondition ready = backingOff.condition(ClawCondition.READY).orElseThrow();
    assertEquals(Reasons.POD_ENDED_BACK_OFF, ready.reason());
    assertTrue(ready.message().startsWith("Pod evicted ended, evicted by the node: The node was low on resource: "
        + "memory. 2 Pods in a row have ended, so the next is created after a back-off of 10 s, at "), ready.message());
    assertEquals(2, backingOff.endedPods());
    Instant secondCreated = Instant.parse(second.getMetadata().getCreationTimestamp());
    assertEquals(second.getMetadata().getUid(), client.pods().inNamespace(ns).withName("evicted").get()
        .getMetadata().getUid(), "kept until the back-off has passed");

    Pod third = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> client.pods().inNamespace(ns).withName("evicted").get(),
            p -> p != null && !p.getMetadata().getUid().equals(second.getMetadata().getUid()));
    assertEquals("2", third.getMetadata().getAnnotations().get(Labels.ENDED_PODS));
    Duration apart = Duration.between(secondCreated, Instant.parse(third.getMetadata().getCreationTimestamp()));
    assertTrue(apart.compareTo(Duration.ofSeconds(10)) >= 0, "created " + apart + " after the one before");
    assertEquals(before + 2, replacements("Evicted"));
    assertEquals(List.of(), log.problems(), "nothing in the log but INFO");
  }

  /**
   * JOSDK's default retry gives up after 5 attempts (about half a minute). A quota that is lifted
   * two minutes later must still bring the Pod, within the back-off's cap of one minute.
   */
  @Test
  @Order(2)
  void aRefusalFixedMinutesLaterIsNoticedWithinTheCap() {
    ResourceQuota quota = client.resource(new ResourceQuotaBuilder().withNewMetadata().withName("no-pods")
        .withNamespace(ns).endMetadata().withNewSpec().addToHard("pods", new io.fabric8.kubernetes.api.model.Quantity("0"))
        .endSpec().build()).create();
    // quota admission enforces only what the controller has put in the quota's status
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.resource(quota).get().getStatus() != null
        && client.resource(quota).get().getStatus().getHard().containsKey("pods"));

    client.resource(instance(ns, "quota", "nginx:1.27", null)).create();
    ClawInstanceStatus refused = awaitStatus(client, ns, "quota",
        s -> s.condition(ClawCondition.READY).map(c -> Reasons.RECONCILE_ERROR.equals(c.reason())).orElse(false));
    assertEquals("The API server refused Pod quota: pods \"quota\" is forbidden: exceeded quota: no-pods, requested: "
        + "pods=1, used: pods=0, limited: pods=0. Raise the namespace's ResourceQuota, free room in it, or ask for "
        + "less in spec.resources.", refused.message());
    Instant refusedAt = Instant.now();

    Awaitility.await().during(Duration.ofSeconds(125)).atMost(Duration.ofSeconds(130))
        .until(() -> client.pods().inNamespace(ns).withName("quota").get() == null);
    client.resource(quota).withTimeout(10, TimeUnit.SECONDS).delete();
    Instant lifted = Instant.now();
    awaitPodWithin(Awaitility.await().atMost(RetryBackOff.CAP.plusSeconds(10)), "quota");
    Duration noticed = Duration.between(lifted, Instant.now());
    System.out.printf("quota lifted %d s after the refusal; Pod created %.1f s after%n",
        Duration.between(refusedAt, lifted).toSeconds(), noticed.toMillis() / 1000.0);

    assertEquals(1, events("quota", Reasons.POD_REFUSED).size(), "one Event for one answer");
    List<OperatorLog.Line> warnings = log.containing("exceeded quota");
    assertEquals(1, warnings.size(), "logged once, not per retry: " + warnings);
    assertNull(warnings.get(0).thrown(), "no stack trace for a refusal");
    assertEquals(List.of(), log.problems().stream().filter(l -> !warnings.contains(l)).toList());
    ClawInstanceStatus after = awaitStatus(client, ns, "quota",
        s -> !s.condition(ClawCondition.READY).orElseThrow().reason().equals(Reasons.RECONCILE_ERROR));
    assertNotEquals(Phase.Failed, after.phase());
  }

  /**
   * A refused Service (a quota of none) is said in ServiceReady and does not hold the Pod back;
   * once the quota is lifted the Service follows within the 30 s the operator waits between tries.
   */
  @Test
  @Order(3)
  void aRefusedServiceIsSaidThePodGoesAheadAndTheServiceFollowsTheFix() {
    ResourceQuota quota = client.resource(new ResourceQuotaBuilder().withNewMetadata().withName("no-services")
        .withNamespace(ns).endMetadata().withNewSpec()
        .addToHard("services", new io.fabric8.kubernetes.api.model.Quantity("0")).endSpec().build()).create();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.resource(quota).get().getStatus() != null
        && client.resource(quota).get().getStatus().getHard().containsKey("services"));
    ClawInstance desk = instance(ns, "desk", "nginx:1.27", null);
    desk.getSpec().setPort(3001);
    desk.getSpec().setService(new io.claw.operator.api.InstanceService());
    client.resource(desk).create();
    awaitPodWithin(Awaitility.await().atMost(Duration.ofSeconds(20)), "desk");
    ClawInstanceStatus refused = awaitStatus(client, ns, "desk", s -> s.condition(ClawCondition.SERVICE_READY)
        .filter(c -> Reasons.SERVICE_REFUSED.equals(c.reason())).isPresent());
    assertEquals("The API server refused Service desk: services \"desk\" is forbidden: exceeded quota: no-services, "
        + "requested: services=1, used: services=0, limited: services=0",
        refused.condition(ClawCondition.SERVICE_READY).orElseThrow().message());
    assertNull(refused.address());

    client.resource(quota).withTimeout(10, TimeUnit.SECONDS).delete();
    ClawInstanceStatus served = Awaitility.await().atMost(Requeue.AFTER_A_REFUSED_CLAIM_OR_SERVICE.plusSeconds(15))
        .until(() -> client.resources(ClawInstance.class).inNamespace(ns).withName("desk").get().getStatus(),
            s -> s != null && s.address() != null);
    assertEquals("desk." + ns + ".svc:3001", served.address());
  }

  private Pod awaitPodWithin(org.awaitility.core.ConditionFactory wait, String name) {
    return wait.pollInterval(Duration.ofMillis(200)).until(() -> client.pods().inNamespace(ns).withName(name).get(),
        p -> p != null);
  }

  /**
   * Whichever the namespace controller deletes first, Pods or instances: an instance whose Pod went
   * first must not flood the log with refused re-creations. The test deletes the Pods itself right
   * after the namespace, so that the operator meets the refusal.
   */
  @Test
  @Order(3)
  void aNamespaceBeingDeletedGoesQuietly() {
    log.withDebug(ClawInstanceReconciler.class.getName());
    IntStream.range(0, 40).forEach(i -> client.resource(instance(ns, "app-" + i, "nginx:1.27", null)).create());
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> client.pods().inNamespace(ns).list().getItems().size() == 40);

    client.namespaces().withName(ns).delete();
    client.pods().inNamespace(ns).delete();
    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .until(() -> client.namespaces().withName(ns).get() == null);

    int quietRefusals = log.containing("because it is being terminated").size();
    System.out.printf("re-creations refused while the namespace went: %d%n", quietRefusals);
    assertTrue(quietRefusals >= 1, "the operator met the namespace going away");
    assertEquals(List.of(), log.problems(), "no WARN, no ERROR, no stack trace");
  }

  @Test
  @Order(4)
  void anInstanceBeingDeletedIsNotGivenANewPod() {
    ClawInstance held = instance(ns, "held", "nginx:1.27", null);
    held.getMetadata().setFinalizers(List.of("example.com/hold"));
    ClawInstance created = client.resource(held).create();
    awaitPod(client, ns, "held", p -> true);

    client.resource(created).delete();
    client.pods().inNamespace(ns).withName("held").withGracePeriod(0).delete();
    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> client.pods().inNamespace(ns).withName("held").get() == null);

    client.resources(ClawInstance.class).inNamespace(ns).withName("held")
        .edit(ci -> {
          ci.getMetadata().setFinalizers(List.of());
          return ci;
        });
    assertEquals(List.of(), log.problems());
  }

  /** Last: deleting the CRD deletes every instance. */
  @Test
  @Order(5)
  void theInformersRecoverWhenTheCrdIsDeletedAndCreatedAgain() {
    var crds = client.apiextensions().v1().customResourceDefinitions().withName("clawinstances.claw.io");
    crds.withTimeout(60, TimeUnit.SECONDS).delete();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> crds.get() == null);
    TestCluster.installCrds(client);

    client.resource(instance(ns, "again", "nginx:1.27", null)).create();
    awaitPodWithin(Awaitility.await().atMost(Duration.ofSeconds(90)), "again");
    awaitStatus(client, ns, "again", s -> s.podName() != null);
  }
}
