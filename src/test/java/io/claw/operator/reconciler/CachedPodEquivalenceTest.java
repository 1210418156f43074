package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.cache.PodsAsRead;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.status.Observation;
import io.claw.operator.status.PodState;
import io.claw.operator.status.StatusCalculator;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Pod cache keeps a whitelist of fields ({@link PodsAsRead}); the status and the Pod decision
 * must come out the same from the cached form as from the full Pod. A new read of a field the
 * cache drops makes a case here fail, naming the Pod state it was computed for.
 */
class CachedPodEquivalenceTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final EffectivePullPolicy POLICY = new EffectivePullPolicy(PullPolicy.ALWAYS, PullPolicySource.SPEC);

  private static ClawInstance instance(ClawInstanceStatus status) {
    return TestInstance.named("web").in("ns").uid("uid-1").generation(3).image("registry.local/app:1").status(status)
        .build();
  }

  private static final Pod DESIRED = ClawPod.desired(instance(null), "registry.local/app:1", PullPolicy.ALWAYS, PodSecurityProfile.BASELINE);

  /** The desired Pod as a node reports it, with every field the API server and kubelet add. */
  private static Pod full(UnaryOperator<PodBuilder> change) {
    PodBuilder node = new PodBuilder(DESIRED)
        .editMetadata().withUid("pod-1").withResourceVersion("42").withCreationTimestamp(NOW.minusSeconds(90).toString())
          .withManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update").build()))
        .endMetadata()
        .editSpec().withNodeName("node-1").withServiceAccountName("default").withSchedulerName("default-scheduler")
          .withRestartPolicy("Always").withDnsPolicy("ClusterFirst").withTerminationGracePeriodSeconds(30L)
          .addNewVolume().withName("token").withNewSecret().withSecretName("default-token").endSecret().endVolume()
          .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists").endToleration()
          .editFirstContainer().withTerminationMessagePath("/dev/termination-log")
            .addNewVolumeMount().withName("token").withMountPath("/var/run/secrets").endVolumeMount()
          .endContainer()
        .endSpec()
        .withNewStatus().withPhase("Pending").withHostIP("192.0.2.2").withPodIP("10.244.0.5").withQosClass("BestEffort")
          .withStartTime(NOW.minusSeconds(89).toString())
          .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
        .endStatus();
    return change.apply(node).build();
  }

  private static UnaryOperator<PodBuilder> app(String waitingReason, String message) {
    return b -> b.editStatus().addNewContainerStatus().withName(ClawPod.CONTAINER_NAME).withImage("registry.local/app:1")
        .withImageID("").withRestartCount(0).withReady(false).withStarted(false)
        .withNewState().withNewWaiting().withReason(waitingReason).withMessage(message).endWaiting().endState()
        .endContainerStatus().endStatus();
  }

  static Stream<Arguments> pods() {
    ClawInstanceStatus failing = ClawInstanceStatus.builder().image("registry.local/app:1").pullPolicy(PullPolicy.ALWAYS)
        .conditions(List.of(new ClawCondition(ClawCondition.IMAGE_PULL_FAILED, ClawCondition.TRUE, "ErrImagePull",
            "rpc error: code = NotFound desc = not found", "2026-12-01T11:59:00Z", 3L)))
        .build();
    return Stream.of(
        Arguments.of("created, not scheduled", null, full(b -> b.editSpec().withNodeName(null).endSpec()
            .editStatus().withConditions().addNewCondition().withType("PodScheduled").withStatus("False")
            .withReason("Unschedulable").withMessage("0/1 nodes are available").endCondition().endStatus())),
        Arguments.of("scheduled, no container status", null, full(b -> b)),
        Arguments.of("pulling", null, full(app("ContainerCreating", null))),
        Arguments.of("pull failed", null, full(app("ErrImagePull", "rpc error: code = NotFound desc = not found"))),
        Arguments.of("backing off after a failure", failing, full(app("ImagePullBackOff", "Back-off pulling image"))),
        Arguments.of("creating after a failure", failing, full(app("ContainerCreating", null))),
        Arguments.of("config error", null, full(app("CreateContainerConfigError", "configmap \"x\" not found"))),
        Arguments.of("init container fails to pull", null, full(b -> b.editSpec().addNewInitContainer().withName("init")
            .withImage("busybox:1").endInitContainer().endSpec().editStatus().addNewInitContainerStatus()
            .withName("init").withImageID("").withNewState().withNewWaiting().withReason("ErrImagePull")
            .withMessage("pull access denied").endWaiting().endState().endInitContainerStatus().endStatus())),
        Arguments.of("ephemeral container fails to pull", null, full(b -> b.editStatus()
            .addNewEphemeralContainerStatus().withName("debugger").withImageID("").withNewState().withNewWaiting()
            .withReason("ErrImagePull").withMessage("401 Unauthorized").endWaiting().endState()
            .endEphemeralContainerStatus().endStatus())),
        Arguments.of("running and ready", failing, full(b -> b.editStatus().withPhase("Running").addNewCondition()
            .withType("Ready").withStatus("True").endCondition().addNewContainerStatus().withName(ClawPod.CONTAINER_NAME)
            .withImageID("registry.local/app@sha256:1").withReady(true).withNewState().withNewRunning()
            .withStartedAt(NOW.minusSeconds(60).toString()).endRunning().endState().endContainerStatus().endStatus())),
        Arguments.of("running, not ready", null, full(b -> b.editStatus().withPhase("Running").addNewContainerStatus()
            .withName(ClawPod.CONTAINER_NAME).withImageID("registry.local/app@sha256:1").withNewState().withNewRunning()
            .endRunning().endState().endContainerStatus().endStatus())),
        Arguments.of("exited", null, full(b -> b.editStatus().addNewContainerStatus().withName(ClawPod.CONTAINER_NAME)
            .withImageID("registry.local/app@sha256:1").withNewState().withNewTerminated().withExitCode(3)
            .withReason("Error").endTerminated().endState().endContainerStatus().endStatus())),
        Arguments.of("evicted", null, full(b -> b.editStatus().withPhase("Failed").withReason("Evicted")
            .withMessage("The node was low on resource: ephemeral-storage.").endStatus())),
        Arguments.of("evicted, third in a row", null, full(b -> b.editMetadata()
            .addToAnnotations(Labels.ENDED_PODS, "2").endMetadata().editStatus().withPhase("Failed")
            .withReason("Evicted").endStatus())),
        Arguments.of("succeeded", null, full(b -> b.editStatus().withPhase("Succeeded").endStatus())),
        Arguments.of("being deleted", null, full(b -> b.editMetadata().withDeletionTimestamp(NOW.toString())
            .withDeletionGracePeriodSeconds(30L).endMetadata())),
        Arguments.of("orphaned", null, full(b -> b.editMetadata().editFirstOwnerReference().withUid("uid-0")
            .endOwnerReference().endMetadata())),
        Arguments.of("image changed", null, full(b -> b.editMetadata()
            .addToAnnotations(Labels.APPLIED_IMAGE, "registry.local/app:0").endMetadata())),
        Arguments.of("immutable fields changed", null, full(b -> b.editMetadata()
            .addToAnnotations(Labels.POD_SPEC_HASH, "0000").endMetadata())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void statusAndDecisionAreTheSameFromTheCachedPod(String state, ClawInstanceStatus previous, Pod full) {
    Pod cached = PodsAsRead.asRead(JSON.clone(full));
    ClawInstance instance = instance(previous);

    for (PodState podState : List.of(PodState.PRESENT, PodState.REPLACING, PodState.ENDED_BACKING_OFF)) {
      if (podState == PodState.ENDED_BACKING_OFF && !"Failed".equals(full.getStatus().getPhase())) {
        continue; // only an ended Pod backs off
      }
      assertEquals(StatusCalculator.compute(new Observation(instance, POLICY, "registry.local/app:1", podState, full), NOW),
          StatusCalculator.compute(new Observation(instance, POLICY, "registry.local/app:1", podState, cached), NOW),
          state + ", " + podState);
    }
    for (boolean secretsAppeared : List.of(false, true)) {
      assertEquals(outcome(PodDecision.decide(instance, Optional.of(full), DESIRED, secretsAppeared, NOW)),
          outcome(PodDecision.decide(instance, Optional.of(cached), DESIRED, secretsAppeared, NOW)),
          state + ", secrets appeared: " + secretsAppeared);
    }
  }

  /** The decision without the Pod it carries (which is the full or the cached one). */
  private static String outcome(PodDecision decision) {
    if (decision instanceof PodDecision.Replace r) {
      return "Replace " + r.why() + " grace " + r.gracePeriodSeconds() + " ending " + r.ending() + " " + r.endedInARow();
    }
    if (decision instanceof PodDecision.BackOff b) {
      return "BackOff " + b.ending() + " " + b.endedInARow() + " " + b.remaining();
    }
    return decision.getClass().getSimpleName();
  }
}
