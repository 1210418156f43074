package io.claw.operator.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.testing.Fixtures;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;

class StatusCalculatorTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-24T10:05:00Z");
  private static final EffectivePullPolicy POLICY = new EffectivePullPolicy(PullPolicy.IF_NOT_PRESENT, PullPolicySource.OPERATOR_DEFAULT);

  private final ClawInstance instance = instance();

  private static ClawInstance instance() {
    return TestInstance.named("web").in("ns").uid("uid-1").generation(3).build();
  }

  private ClawInstanceStatus observe(Pod pod, String image, Instant now) {
    ClawInstanceStatus status = StatusCalculator.compute(
        new Observation(instance, POLICY, image, PodState.PRESENT, pod), now);
    instance.setStatus(status);
    return status;
  }

  private Pod pod(ContainerStatus... statuses) {
    return new PodBuilder(ClawPod.desired(instance, "nginx:1.27", PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE))
        .withNewStatus().withPhase("Pending").withContainerStatuses(List.of(statuses)).endStatus().build();
  }

  private static ContainerStatus waiting(String reason, String message) {
    return new ContainerStatusBuilder().withName("claw").withImageID("")
        .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState().build();
  }

  private static ClawCondition pullCondition(ClawInstanceStatus status) {
    return status.condition(ClawCondition.IMAGE_PULL_FAILED).orElseThrow();
  }

  @Test
  void aPodNotYetScheduledSaysSoPlainly() {
    ClawInstanceStatus status = observe(pod(), "nginx:1.27", T0);
    assertEquals(Phase.Pending, status.phase());
    assertEquals("PodNotScheduled", status.condition(ClawCondition.READY).orElseThrow().reason());
    assertTrue(status.message().contains("not scheduled"), status.message());
    assertEquals(3L, status.observedGeneration());
    assertEquals(3L, pullCondition(status).observedGeneration());
  }

  @Test
  void schedulerMessageIsPassedOn() {
    Pod pod = new PodBuilder(pod()).editStatus().withConditions(new PodConditionBuilder().withType("PodScheduled")
        .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available").build()).endStatus().build();
    assertTrue(observe(pod, "nginx:1.27", T0).message().contains("0/3 nodes are available"));
  }

  @Test
  void runningAndReady() {
    Pod pod = new PodBuilder(pod(new ContainerStatusBuilder().withName("claw").withImageID("nginx@sha256:1")
        .withNewState().withNewRunning().endRunning().endState().build()))
        .editStatus().withPhase("Running")
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build()).endStatus().build();
    ClawInstanceStatus status = observe(pod, "nginx:1.27", T0);
    assertEquals(Phase.Running, status.phase());
    assertEquals(ClawCondition.TRUE, status.condition(ClawCondition.READY).orElseThrow().status());
    assertEquals("nginx@sha256:1", status.imageID());
    assertEquals("ImagePulled", pullCondition(status).reason());
  }

  @Test
  void aRunningContainerThatIsNotReadyNamesTheProbeThatHoldsItBack() {
    instance.getSpec().setReadinessProbe(new io.fabric8.kubernetes.api.model.ProbeBuilder().withNewHttpGet()
        .withPath("/ready").withPort(new io.fabric8.kubernetes.api.model.IntOrString(8080)).endHttpGet().build());
    ClawInstanceStatus notReady = observe(running(true), "nginx:1.27", T0);
    assertEquals("ContainersNotReady", notReady.condition(ClawCondition.READY).orElseThrow().reason());
    assertEquals(Phase.Running, notReady.phase());
    assertEquals("Pod web is running but not ready: its readiness probe (HTTP GET /ready on port 8080) does not pass; "
        + "the probe's answers are in the Pod's Events (kubectl describe pod)", notReady.message());

    instance.getSpec().setStartupProbe(new io.fabric8.kubernetes.api.model.ProbeBuilder().withNewExec()
        .withCommand("cat", "/tmp/started").endExec().build());
    assertEquals("Pod web is running but not ready: its startup probe (exec cat /tmp/started) has not passed yet",
        observe(running(false), "nginx:1.27", T0).message());
    instance.getSpec().setReadinessProbe(null);
    instance.getSpec().setStartupProbe(null);
    assertEquals("Pod web is running but not ready", observe(running(true), "nginx:1.27", T0).message());
  }

  /**
   * Pull first: while the new image is pulled onto the node the instance runs and is Ready on its
   * old one; a pull there that fails is reported with cause and hint, the instance still Running,
   * and a bare back-off keeps the cause found before; once it moves, nothing of it is left.
   */
  @Test
  void aNewImageThatIsPulledFirstLeavesTheInstanceRunningAndNamesAPullThatFails() {
    Pod pod = new PodBuilder(pod(new ContainerStatusBuilder().withName("claw").withImageID("nginx@sha256:1")
        .withReady(true).withNewState().withNewRunning().endRunning().endState().build()))
        .editSpec().withNodeName("node-1").endSpec()
        .editStatus().withPhase("Running")
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build()).endStatus().build();
    String next = "registry.local/app:2";
    ImageRollout pulling = new ImageRollout(next, "nginx:1.27", "node-1", null, null);
    ClawInstanceStatus status = StatusCalculator.compute(new Observation(instance, POLICY, next, PodState.PRESENT, pod,
        PullSecrets.NOT_CHECKED, NodeFacts.UNKNOWN, null, null, null, null, null, null, pulling), T0);
    instance.setStatus(status);
    assertEquals(Phase.Running, status.phase());
    assertEquals(ClawCondition.TRUE, status.condition(ClawCondition.READY).orElseThrow().status());
    ClawCondition rolledOut = status.condition(ClawCondition.IMAGE_ROLLED_OUT).orElseThrow();
    assertEquals("False/PullingAhead", rolledOut.status() + "/" + rolledOut.reason());
    assertTrue(status.message().endsWith("Pulling registry.local/app:2 onto node node-1 before the container moves to "
        + "it; the Pod keeps running nginx:1.27"), status.message());

    String notFound = "rpc error: code = NotFound desc = failed to pull and unpack image \"registry.local/app:2\": "
        + "failed to resolve reference \"registry.local/app:2\": registry.local/app:2: not found";
    ImageRollout failing = new ImageRollout(next, "nginx:1.27", "node-1",
        new PullFailure("pull", "ErrImagePull", notFound), null);
    status = StatusCalculator.compute(new Observation(instance, POLICY, next, PodState.PRESENT, pod,
        PullSecrets.NOT_CHECKED, NodeFacts.UNKNOWN, null, null, null, null, null, null, failing), T1);
    instance.setStatus(status);
    assertEquals(Phase.Running, status.phase());
    assertEquals(ClawCondition.TRUE, status.condition(ClawCondition.READY).orElseThrow().status());
    assertEquals(PullFailureCause.NOT_FOUND, status.pullFailure().cause());
    assertEquals("node-1", status.pullFailure().node());
    assertEquals("ErrImagePull", status.pullFailureReason());
    assertEquals("PullAheadFailed", status.condition(ClawCondition.IMAGE_ROLLED_OUT).orElseThrow().reason());
    assertEquals(ClawCondition.TRUE, pullCondition(status).status());
    assertTrue(status.message().contains("registry.local/app:2 is not rolled out: pulling it onto node node-1 fails "
        + "(ErrImagePull: " + notFound + "). The Pod keeps running nginx:1.27"), status.message());

    ImageRollout backingOff = new ImageRollout(next, "nginx:1.27", "node-1",
        new PullFailure("pull", "ImagePullBackOff", "Back-off pulling image \"registry.local/app:2\""), null);
    status = StatusCalculator.compute(new Observation(instance, POLICY, next, PodState.PRESENT, pod,
        PullSecrets.NOT_CHECKED, NodeFacts.UNKNOWN, null, null, null, null, null, null, backingOff), T1);
    instance.setStatus(status);
    assertEquals(PullFailureCause.NOT_FOUND, status.pullFailure().cause());
    assertTrue(pullCondition(status).message().contains("not found"), pullCondition(status).message());

    status = StatusCalculator.compute(new Observation(instance, POLICY, next, PodState.PRESENT, pod), T1);
    assertEquals(null, status.pullFailure());
    assertTrue(status.condition(ClawCondition.IMAGE_ROLLED_OUT).isEmpty());
    assertEquals("ImagePulled", pullCondition(status).reason());
  }

  /** A running container, not ready; {@code started} as the kubelet reports it once a startup probe passed. */
  private Pod running(boolean started) {
    return new PodBuilder(pod(new ContainerStatusBuilder().withName("claw").withImageID("nginx@sha256:1")
        .withStarted(started).withReady(false).withNewState().withNewRunning().endRunning().endState().build()))
        .editStatus().withPhase("Running")
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build()).endStatus().build();
  }

  @Test
  void aPullFailureIsDiagnosedAndItsCauseOutlivesTheBareBackOff() {
    Pod bound = new PodBuilder(pod(waiting("ErrImagePull",
        "rpc error: code = Unknown desc = failed to pull and unpack image \"nginx:1.27\": failed to resolve reference "
            + "\"docker.io/library/nginx:1.27\": failed to do request: Head \"https://registry-1.docker.io/v2/library/nginx"
            + "/manifests/1.27\": dial tcp: lookup registry-1.docker.io: no such host")))
        .editSpec().withNodeName("node-1").endSpec().build();
    ClawInstanceStatus failing = StatusCalculator.compute(new Observation(instance, POLICY, "nginx:1.27",
        PodState.PRESENT, bound, PullSecrets.NOT_CHECKED, new NodeFacts("node-1", false, "linux/amd64"), null, null, null),
        T0);
    instance.setStatus(failing);
    assertEquals(PullFailureCause.REGISTRY_UNREACHABLE, failing.pullFailure().cause());
    assertEquals("docker.io", failing.pullFailure().registry());
    assertEquals("node-1", failing.pullFailure().node());
    assertEquals("False", failing.pullFailure().imageOnNode());
    assertTrue(failing.pullFailure().hint().startsWith("The node cannot reach docker.io"), failing.pullFailure().hint());

    // a kubelet before 1.32 says only "Back-off pulling image": the cause found before stays
    ClawInstanceStatus backingOff = observe(pod(waiting("ImagePullBackOff", "Back-off pulling image \"nginx:1.27\"")),
        "nginx:1.27", T1);
    assertEquals(PullFailureCause.REGISTRY_UNREACHABLE, backingOff.pullFailure().cause());
    assertEquals(pullCondition(failing).lastTransitionTime(), pullCondition(backingOff).lastTransitionTime());

    ClawInstanceStatus running = observe(pod(new ContainerStatusBuilder().withName("claw").withImageID("nginx@sha256:1")
        .withNewState().withNewRunning().endRunning().endState().build()), "nginx:1.27", T1);
    assertNull(running.pullFailure(), "no pull failure, no report");
  }

  @Test
  void aCrashLoopSaysHowTheLastRunEndedAndAnOomKillSaysWhatToRaise() {
    ContainerStatus oom = new ContainerStatusBuilder(waiting("CrashLoopBackOff",
        "back-off 40s restarting failed container=claw pod=web_ns(uid-1)")).withNewLastState().withNewTerminated()
        .withExitCode(137).withReason("OOMKilled").endTerminated().endLastState().build();
    ClawInstanceStatus killed = observe(pod(oom), "nginx:1.27", T0);
    assertEquals("CrashLoopBackOff", killed.condition(ClawCondition.READY).orElseThrow().reason());
    assertTrue(killed.message().startsWith("The app container was killed for using more memory than its limit "
        + "(OOMKilled, exit code 137): raise spec.resources.limits.memory"), killed.message());
    ContainerStatus exits = new ContainerStatusBuilder(waiting("CrashLoopBackOff", "back-off 10s restarting"))
        .withNewLastState().withNewTerminated().withExitCode(3).withReason("Error").endTerminated().endLastState().build();
    assertTrue(observe(pod(exits), "nginx:1.27", T0).message().startsWith(
        "The app container keeps exiting; its last run ended with exit code 3 (Error): its log says why"));
  }

  @Test
  void aConfigurationErrorNamesTheFieldThatFixesIt() {
    // pkg/kubelet/kuberuntime/security_context_others.go verifyRunAsNonRoot
    ClawInstanceStatus root = observe(pod(waiting("CreateContainerConfigError",
        "container has runAsNonRoot and image will run as root (pod: \"web_ns(uid-1)\", container: claw)")),
        "nginx:1.27", T0);
    assertTrue(root.message().contains("set spec.securityContext.runAsUser (or spec.podSecurityContext.runAsUser) to a non-zero UID"), root.message());
    // the same function, for an image whose USER is a name
    ClawInstanceStatus named = observe(pod(waiting("CreateContainerConfigError",
        "container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root (pod: "
            + "\"web_ns(uid-1)\", container: claw)")), "nginx:1.27", T0);
    assertTrue(named.message().endsWith("set spec.securityContext.runAsUser to that user's numeric UID, or use an image "
        + "whose USER is a number."), named.message());
    ClawInstanceStatus key = observe(pod(waiting("CreateContainerConfigError",
        "couldn't find key MODE in ConfigMap ns/settings")), "nginx:1.27", T0);
    assertTrue(key.message().endsWith("Create the ConfigMap or Secret (or the key) the Pod refers to, or fix the "
        + "reference."), key.message());
  }

  @Test
  void aCrashLoopIsAFailureButNotAPullFailure() {
    ClawInstanceStatus status = observe(pod(waiting("CrashLoopBackOff", "back-off 5m0s restarting")), "nginx:1.27", T0);
    assertEquals(Phase.Failed, status.phase());
    assertEquals("CrashLoopBackOff", status.condition(ClawCondition.READY).orElseThrow().reason());
    assertEquals(ClawCondition.FALSE, pullCondition(status).status());
    assertNull(status.pullFailureReason());
  }

  @Test
  void initContainerPullFailuresCount() {
    Pod pod = new PodBuilder(pod()).editStatus()
        .withInitContainerStatuses(new ContainerStatusBuilder(waiting("ErrImagePull", "no such image")).withName("init").build())
        .endStatus().build();
    ClawInstanceStatus status = observe(pod, "nginx:1.27", T0);
    assertEquals(Phase.ImagePullFailed, status.phase());
    assertEquals("ErrImagePull", status.pullFailureReason());
  }

  @Test
  void transitionTimeMovesOnlyWithTheConditionStatus() {
    ClawCondition failing = pullCondition(observe(pod(waiting("ErrImagePull", "not found")), "nginx:1.27", T0));
    assertEquals("2026-11-24T10:00:00Z", failing.lastTransitionTime());

    ClawCondition backingOff = pullCondition(observe(pod(waiting("ImagePullBackOff", "Back-off pulling image")), "nginx:1.27", T1));
    assertEquals("ImagePullBackOff", backingOff.reason());
    assertEquals("not found", backingOff.message(), "the root cause survives the back-off");
    assertEquals("2026-11-24T10:00:00Z", backingOff.lastTransitionTime());

    Pod runningPod = pod(new ContainerStatusBuilder().withName("claw").withImageID("nginx@sha256:1")
        .withNewState().withNewRunning().endRunning().endState().build());
    ClawCondition recovered = pullCondition(observe(runningPod, "nginx:1.27", T1));
    assertEquals(ClawCondition.FALSE, recovered.status());
    assertEquals("2026-11-24T10:05:00Z", recovered.lastTransitionTime());
  }

  @Test
  void aRetryInProgressKeepsTheFailureUntilTheContainerMoves() {
    observe(pod(waiting("ErrImagePull", "not found")), "nginx:1.27", T0);
    ClawInstanceStatus retrying = observe(pod(waiting("ContainerCreating", null)), "nginx:1.27", T1);
    assertEquals(Phase.ImagePullFailed, retrying.phase());
    assertEquals("2026-11-24T10:00:00Z", pullCondition(retrying).lastTransitionTime());
  }

  @Test
  void aNewImageStartsWithACleanSlate() {
    observe(pod(waiting("ErrImagePull", "not found")), "nginx:1.27", T0);
    ClawInstanceStatus other = observe(pod(waiting("ContainerCreating", null)), "nginx:1.28", T1);
    assertEquals(Phase.Pending, other.phase());
    assertEquals(ClawCondition.FALSE, pullCondition(other).status());
  }

  @Test
  void aFailureEndedByAReplacementAwaitsAPullBeforeItCountsAsRecovered() {
    observe(pod(waiting("ErrImagePull", "connection refused")), "nginx:1.27", T0);
    ClawInstanceStatus replacing = StatusCalculator.compute(new Observation(instance, POLICY, "nginx:1.27", PodState.REPLACING, pod()), T1);
    instance.setStatus(replacing);
    assertEquals(ClawCondition.FALSE, pullCondition(replacing).status());
    assertEquals(Reasons.AWAITING_PULL, pullCondition(replacing).reason());
    assertNull(replacing.pullFailureReason());

    ClawInstanceStatus creating = observe(pod(), "nginx:1.27", T1);
    assertEquals(Reasons.AWAITING_PULL, pullCondition(creating).reason(), "kept until a pull succeeds");
    Pod running = new PodBuilder(pod()).editStatus().withContainerStatuses(new ContainerStatusBuilder().withName("claw")
        .withImageID("docker.io/library/nginx@sha256:abc").withNewState().withNewRunning().endRunning().endState()
        .build()).endStatus().build();
    assertEquals(Reasons.IMAGE_PULLED, pullCondition(observe(running, "nginx:1.27", T1)).reason());
  }

  @Test
  void aStoredStatusWithOddConditionsIsRebuiltNotTrusted() {
    instance.setStatus(ClawInstanceStatus.builder().phase(Phase.Running).message("edited").observedGeneration(1L)
        .conditions(java.util.Arrays.asList(
            new ClawCondition(null, null, "HandEdited", null, null, null),
            new ClawCondition("HandEdited", ClawCondition.TRUE, null, null, null, null),
            new ClawCondition(ClawCondition.READY, ClawCondition.FALSE, null, null, "yesterday", null),
            new ClawCondition(ClawCondition.READY, ClawCondition.TRUE, null, null, "2020-01-01T00:00:00Z", null))).build());
    ClawInstanceStatus status = observe(pod(), "nginx:1.27", T0);
    // a Pod not scheduled yet: kstatus's Reconciling besides the two every status has
    assertEquals(List.of(ClawCondition.READY, ClawCondition.IMAGE_PULL_FAILED, ClawCondition.RECONCILING),
        status.conditions().stream().map(ClawCondition::type).toList());
    assertEquals(T0.toString(), status.condition(ClawCondition.READY).orElseThrow().lastTransitionTime(),
        "a time that is no time is not kept");
    assertEquals(Phase.Pending, status.phase());

    instance.setStatus(ClawInstanceStatus.builder().phase(Phase.Running).message("edited").observedGeneration(1L).build());
    assertEquals("ReconcileError", StatusCalculator.reconcileFailed(instance, "boom", T1)
        .condition(ClawCondition.READY).orElseThrow().reason());
  }

  @Test
  void withoutAFailureBeforeAPodWithoutImageHasNoPullFailure() {
    assertEquals("NoPullFailure", pullCondition(observe(pod(), "nginx:1.27", T0)).reason());
  }

  @Test
  void replacingAndConflictAndMissingImageAreExplained() {
    var replacing = StatusCalculator.compute(new Observation(instance, POLICY, "nginx:1.27", PodState.REPLACING, pod()), T0);
    assertEquals("PodReplacing", replacing.condition(ClawCondition.READY).orElseThrow().reason());
    var conflict = StatusCalculator.compute(new Observation(instance, POLICY, "nginx:1.27", PodState.NAME_CONFLICT, null), T0);
    assertEquals(Phase.Failed, conflict.phase());
    var noImage = StatusCalculator.compute(new Observation(instance, POLICY, null, PodState.NO_IMAGE, null), T0);
    assertEquals("NoImage", noImage.condition(ClawCondition.READY).orElseThrow().reason());
    assertNull(noImage.podName());
  }

  private ClawInstanceStatus observeWithSecrets(Pod pod, PullSecrets secrets) {
    ClawInstanceStatus status = StatusCalculator.compute(
        new Observation(instance, POLICY, "nginx:1.27", PodState.PRESENT, pod, secrets, NodeFacts.UNKNOWN, null, null,
            null), T0);
    instance.setStatus(status);
    return status;
  }

  @Test
  void noPullSecretsConditionWhenNoneWereChecked() {
    ClawInstanceStatus status = observeWithSecrets(pod(), PullSecrets.NOT_CHECKED);
    assertTrue(status.condition(ClawCondition.PULL_SECRETS_FOUND).isEmpty());
    assertEquals(List.of(ClawCondition.READY, ClawCondition.IMAGE_PULL_FAILED, ClawCondition.RECONCILING),
        status.conditions().stream().map(ClawCondition::type).toList());
  }

  @Test
  void missingPullSecretsAreNamedInTheMessageOfAnInstanceThatIsNotReady() {
    ClawInstanceStatus status = observeWithSecrets(pod(waiting("ErrImagePull", "unauthorized.")),
        PullSecrets.missing(List.of("regcred", "other")));
    assertEquals("Cannot pull image nginx:1.27 (pullPolicy IfNotPresent): unauthorized. "
        + "Pull secret(s) not found in namespace ns: regcred, other", status.message());
    ClawCondition secrets = status.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow();
    assertEquals(ClawCondition.FALSE, secrets.status());
    assertEquals("SecretNotFound", secrets.reason());
    assertEquals(T0.toString(), secrets.lastTransitionTime());
  }

  @Test
  void aPullSecretCheckTheOperatorMayNotMakeIsUnknown() {
    ClawInstanceStatus status = observeWithSecrets(pod(), PullSecrets.FORBIDDEN);
    ClawCondition secrets = status.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow();
    assertEquals(ClawCondition.UNKNOWN, secrets.status());
    assertEquals("Forbidden", secrets.reason());
    assertTrue(status.message().contains("not scheduled"), status.message());
  }

  @Test
  void aFailedReconcileKeepsThePullSecretsCondition() {
    observeWithSecrets(pod(), PullSecrets.missing(List.of("regcred")));
    ClawInstanceStatus failed = StatusCalculator.reconcileFailed(instance, "Reconcile failed: boom", T1);
    assertEquals("SecretNotFound", failed.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow().reason());
    assertEquals("ReconcileError", failed.condition(ClawCondition.READY).orElseThrow().reason());
  }

  private Pod evicted(Instant created, int endedBefore) {
    return new PodBuilder(pod()).editMetadata().withCreationTimestamp(created.toString())
        .addToAnnotations(io.claw.operator.pod.Labels.ENDED_PODS, String.valueOf(endedBefore)).endMetadata()
        .editStatus().withPhase("Failed").withReason("Evicted").withMessage("The node was low on resource: memory. ")
        .endStatus().build();
  }

  @Test
  void anEndedPodBeingReplacedSaysHowItEnded() {
    ClawInstanceStatus status = StatusCalculator.compute(
        new Observation(instance, POLICY, "nginx:1.27", PodState.REPLACING, evicted(T0.minusSeconds(30), 0)), T0);
    assertEquals(Phase.Pending, status.phase());
    ClawCondition ready = status.condition(ClawCondition.READY).orElseThrow();
    assertEquals(Reasons.POD_ENDED, ready.reason());
    assertEquals("Replacing Pod web, evicted by the node: The node was low on resource: memory.", status.message());
    assertEquals(1, status.endedPods());
  }

  @Test
  void podsThatKeepEndingAreReplacedAfterABackOffTheStatusStates() {
    ClawInstanceStatus status = StatusCalculator.compute(new Observation(instance, POLICY, "nginx:1.27",
        PodState.ENDED_BACKING_OFF, evicted(T0.minusSeconds(5), 3)), T0);
    assertEquals(Phase.Failed, status.phase());
    assertEquals(Reasons.POD_ENDED_BACK_OFF, status.condition(ClawCondition.READY).orElseThrow().reason());
    assertEquals("Pod web ended, evicted by the node: The node was low on resource: memory. 4 Pods in a row have "
        + "ended, so the next is created after a back-off of 40 s, at 2026-11-24T10:00:35Z", status.message());
    assertEquals(4, status.endedPods());
    instance.setStatus(status);
    assertEquals(status, StatusCalculator.compute(new Observation(instance, POLICY, "nginx:1.27",
        PodState.ENDED_BACKING_OFF, evicted(T0.minusSeconds(5), 3)), T0.plusSeconds(7)),
        "the same on every pass while it waits: nothing to write");
  }

  @Test
  void theCountOfEndedPodsStaysUntilAPodHasRunTenMinutes() {
    Pod replacement = new PodBuilder(pod()).editMetadata().withCreationTimestamp(T0.toString())
        .addToAnnotations(io.claw.operator.pod.Labels.ENDED_PODS, "2").endMetadata().build();
    assertEquals(2, observe(replacement, "nginx:1.27", T0.plusSeconds(60)).endedPods());
    assertNull(observe(replacement, "nginx:1.27", T0.plus(PodEnding.STREAK_RESET)).endedPods());
  }

  @Test
  void aStoppedInstanceSaysSoAndHowToStartItAndAStoppingOneNamesThePod() {
    withStorageAndService();
    Observation stopping = new Observation(instance, POLICY, "nginx:1.27", PodState.STOPPING, pod(), PullSecrets.NOT_CHECKED,
        NodeFacts.UNKNOWN, null, null, null, boundClaim(), service());
    ClawInstanceStatus going = StatusCalculator.compute(stopping, T0);
    assertEquals(Phase.Stopping, going.phase());
    assertEquals(Reasons.STOPPING, going.condition(ClawCondition.READY).orElseThrow().reason());
    assertEquals("web", going.podName());
    Observation stopped = new Observation(instance, POLICY, "nginx:1.27", PodState.STOPPED, null, PullSecrets.NOT_CHECKED,
        NodeFacts.UNKNOWN, null, null, null, boundClaim(), service());
    ClawInstanceStatus status = StatusCalculator.compute(stopped, T0);
    assertEquals(Phase.Stopped, status.phase());
    assertEquals(ClawCondition.FALSE, status.condition(ClawCondition.READY).orElseThrow().status());
    assertEquals("Stopped (spec.stopped is true): no Pod runs; claim web-storage and Service web are kept. Start it "
        + "with: kubectl patch claw web --type=merge -p '{\"spec\":{\"stopped\":false}}'", status.message());
    assertNull(status.podName());
    assertEquals("web.ns.svc:3001", status.address(), "the Service stays, and so does its address");
    assertEquals("Bound", status.storage().phase());
    assertEquals(ClawCondition.TRUE, status.condition(ClawCondition.STORAGE_READY).orElseThrow().status());
    assertEquals(ClawCondition.TRUE, status.condition(ClawCondition.SERVICE_READY).orElseThrow().status());
  }

  @Test
  void aPodHeldBackByAClaimThatCannotBindSaysWhyInTheClaimsWords() {
    withStorageAndService();
    PersistentVolumeClaim pending = new PersistentVolumeClaimBuilder(boundClaim().claim()).editSpec().withVolumeName(null)
        .endSpec().withNewStatus().withPhase("Pending").endStatus().build();
    Event noClass = new EventBuilder().withReason("ProvisioningFailed")
        .withMessage("storageclass.storage.k8s.io \"manual\" not found").build();
    ClawInstanceStatus status = StatusCalculator.compute(new Observation(instance, POLICY, "nginx:1.27", PodState.PRESENT,
        pod(), PullSecrets.NOT_CHECKED, NodeFacts.UNKNOWN, null, null, null,
        new StorageFacts("web-storage", pending, false, null, null, noClass), null), T0);
    assertEquals(Phase.Pending, status.phase());
    ClawCondition ready = status.condition(ClawCondition.READY).orElseThrow();
    assertEquals(Reasons.STORAGE_CLASS_NOT_FOUND, ready.reason());
    assertTrue(ready.message().contains("is not scheduled") && ready.message().contains("no StorageClass named manual"),
        ready.message());
    assertEquals(Reasons.STORAGE_CLASS_NOT_FOUND, status.condition(ClawCondition.STORAGE_READY).orElseThrow().reason());
    assertNull(status.address());
  }

  private void withStorageAndService() {
    Fixtures.withClaimAndService(instance);
  }

  private StorageFacts boundClaim() {
    return new StorageFacts("web-storage", new PersistentVolumeClaimBuilder().withNewMetadata().withName("web-storage")
        .withNamespace("ns").endMetadata().withNewSpec().withVolumeName("pv-1").withAccessModes("ReadWriteOnce")
        .withStorageClassName("manual").withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
        .endSpec().withNewStatus().withPhase("Bound").addToCapacity("storage", new Quantity("1Gi")).endStatus().build(),
        false, null, null, null);
  }

  private ServiceFacts service() {
    return new ServiceFacts("web", new ServiceBuilder().withNewMetadata().withName("web").withNamespace("ns").endMetadata()
        .withNewSpec().withType("ClusterIP").addNewPort().withName("app").withPort(3001).withProtocol("TCP").endPort()
        .endSpec().build(), false);
  }
}
