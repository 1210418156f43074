package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.PullerPod;
import io.claw.operator.status.NodeFacts;
import io.claw.operator.status.PullFailure;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Every path of the pull-ahead decision: which image changes switch at once and which pull first. */
class PullAheadTest {

  private static final String OLD = "registry.local/app:1";
  private static final String NEW = "registry.local/app:2";
  private static final String NEW_DIGEST = "registry.local/app@sha256:" + "a".repeat(64);
  private static final ClawInstance INSTANCE = TestInstance.named("web").in("ns").uid("uid-1").image(OLD).build();

  private static Pod live(boolean running, String node) {
    Pod desired = ClawPod.desired(INSTANCE, OLD, PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE);
    var b = new PodBuilder(desired).editSpec().withNodeName(node).endSpec().withNewStatus().withPhase("Running")
        .addNewContainerStatus().withName("claw").withImage(OLD).withImageID("sha256:" + "1".repeat(64));
    return (running ? b.withNewState().withNewRunning().endRunning().endState()
        : b.withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState())
        .endContainerStatus().endStatus().build();
  }

  private static Pod puller(UnaryOperator<PodBuilder> status) {
    Pod desired = PullerPod.desired(INSTANCE, new PullerPod.Target("node-1", NEW, PullPolicy.IF_NOT_PRESENT, List.of()),
        List.of(), "registry.local/claw/tool:1");
    return status.apply(new PodBuilder(desired).editMetadata().withCreationTimestamp("2026-12-05T10:00:00Z")
        .endMetadata()).build();
  }

  private static UnaryOperator<PodBuilder> pullContainer(UnaryOperator<io.fabric8.kubernetes.api.model.ContainerStatusBuilder> state,
      String phase) {
    return b -> b.withNewStatus().withPhase(phase).addToContainerStatuses(
        state.apply(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName(PullerPod.PULL_CONTAINER)
            .withImage(NEW)).build()).endStatus();
  }

  private static final Pod PULLED = puller(pullContainer(c -> c.withImageID("sha256:" + "2".repeat(64))
      .withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
      .withStartedAt("2026-12-05T10:00:21Z").withFinishedAt("2026-12-05T10:00:21Z").endTerminated().endState(),
      "Succeeded"));
  private static final Pod PULLING = puller(pullContainer(c -> c.withImageID("")
      .withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState(), "Pending"));
  /** containerd 1.4 on an amd64 node, for an index with only an arm64 image (AnalyzerRunsIT's node says the same). */
  private static final String NO_MATCH = "rpc error: code = NotFound desc = failed to pull and unpack image "
      + "\"registry.local/app:2\": no match for platform in manifest sha256:" + "b".repeat(64) + ": not found";
  private static final Pod PLATFORM = puller(pullContainer(c -> c.withImageID("")
      .withNewState().withNewWaiting().withReason("ErrImagePull").withMessage(NO_MATCH).endWaiting().endState(),
      "Pending"));
  /** runc, for a single-platform image of another architecture: pulled, but nothing starts in it. */
  private static final Pod CANNOT_START = puller(pullContainer(c -> c.withImageID("sha256:" + "3".repeat(64))
      .withNewState().withNewTerminated().withExitCode(128).withReason("StartError").withMessage(
          "failed to create containerd task: OCI runtime create failed: container_linux.go:370: starting container "
              + "process caused: exec: \"/claw-pull/claw-pull-done\": exec format error: unknown")
      .endTerminated().endState(), "Failed"));
  private static final Pod EVICTED = puller(b -> b.withNewStatus().withPhase("Failed").withReason("Evicted")
      .withMessage("The node was low on resource: ephemeral-storage.").endStatus());

  static Stream<Arguments> cases() {
    NodeFacts holds = new NodeFacts("node-1", true, "linux/amd64");
    NodeFacts lacks = new NodeFacts("node-1", false, "linux/amd64");
    return Stream.of(
        // enabled, running, node, image, policy, node facts, cached puller, expected
        Arguments.of("off", false, true, NEW, PullPolicy.IF_NOT_PRESENT, lacks, null, "Switch OFF"),
        Arguments.of("app not running (crash loop)", true, false, NEW, PullPolicy.IF_NOT_PRESENT, lacks, null,
            "Switch NOT_RUNNING"),
        Arguments.of("node lists the image", true, true, NEW, PullPolicy.IF_NOT_PRESENT, holds, null, "Switch ON_NODE"),
        Arguments.of("node lists the digest, Always", true, true, NEW_DIGEST, PullPolicy.ALWAYS, holds, null,
            "Switch ON_NODE"),
        Arguments.of("node lists the tag, but Always asks the registry again", true, true, NEW, PullPolicy.ALWAYS,
            holds, null, "Start"),
        Arguments.of("node lacks the image", true, true, NEW, PullPolicy.IF_NOT_PRESENT, lacks, null, "Start"),
        Arguments.of("node unknown (not read)", true, true, NEW, PullPolicy.IF_NOT_PRESENT,
            new NodeFacts("node-1", null, null), null, "Start"),
        Arguments.of("Never: a puller says NotPresentOnNode", true, true, NEW, PullPolicy.NEVER, lacks, null, "Start"),
        Arguments.of("puller at work", true, true, NEW, PullPolicy.IF_NOT_PRESENT, lacks, PULLING, "Await"),
        Arguments.of("puller done", true, true, NEW, PullPolicy.IF_NOT_PRESENT, lacks, PULLED, "Switch PULLED"),
        Arguments.of("puller fails to pull", true, true, NEW, PullPolicy.IF_NOT_PRESENT, lacks, PLATFORM,
            "Await ErrImagePull"),
        Arguments.of("pulled but cannot start", true, true, NEW, PullPolicy.IF_NOT_PRESENT, lacks, CANNOT_START,
            "Await StartError"),
        Arguments.of("puller evicted", true, true, NEW, PullPolicy.IF_NOT_PRESENT, lacks, EVICTED, "Await Evicted"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, boolean enabled, boolean running, String image, PullPolicy policy, NodeFacts node,
      Pod cached, String expected) {
    List<PullerPod.Target> asked = new ArrayList<>();
    PullAhead ahead = PullAhead.decide(enabled, live(running, "node-1"), image, policy, List.of(),
        target -> {
          asked.add(target);
          return Optional.ofNullable(cached);
        }, (n, i) -> node);
    String seen = ahead instanceof PullAhead.Switch s ? "Switch " + s.why()
        : ahead instanceof PullAhead.Await a ? ("Await " + a.failure().map(PullFailure::reason).orElse("")).strip()
        : "Start";
    assertEquals(expected, seen, name);
    assertEquals(!(ahead instanceof PullAhead.Switch), ahead.holdsBack());
    if (ahead instanceof PullAhead.Start start) {
      assertEquals(new PullerPod.Target("node-1", image, policy, List.of()), start.target());
    }
  }

  @Test
  void aPodNotYetOnANodeSwitchesAsBefore() {
    Pod unscheduled = new PodBuilder(live(true, null)).build();
    assertEquals(new PullAhead.Switch(PullAhead.Why.NOT_RUNNING), PullAhead.decide(true, unscheduled, NEW,
        PullPolicy.IF_NOT_PRESENT, List.of(), t -> Optional.empty(), (n, i) -> NodeFacts.UNKNOWN));
  }

  @Test
  void theCauseOfEachPullerFailureIsTheOneTodaysPullFailuresGet() {
    assertEquals(Optional.of(PullFailureCause.PLATFORM_MISMATCH), PullAhead.failure(PLATFORM)
        .flatMap(f -> PullFailure.cause(f.reason(), f.message())));
    PullFailure cannotStart = PullAhead.failure(CANNOT_START).orElseThrow();
    assertEquals(Optional.of(PullFailureCause.PLATFORM_MISMATCH), PullFailure.cause(cannotStart.reason(),
        cannotStart.message()));
    assertTrue(cannotStart.message().startsWith("the image was pulled, but a program cannot start in it"),
        cannotStart.message());
    assertFalse(PullAhead.pulled(CANNOT_START));
    assertTrue(PullAhead.pulled(PULLED));
    assertEquals(Optional.empty(), PullAhead.failure(PULLING));
  }

  @Test
  void oneTargetNamesOnePullerWhateverTheOrderOfThePullSecrets() {
    var a = new PullerPod.Target("node-1", NEW, PullPolicy.IF_NOT_PRESENT, List.of("b", "a"));
    var b = new PullerPod.Target("node-1", NEW, PullPolicy.IF_NOT_PRESENT, List.of("a", "b"));
    assertEquals(a.podName(), b.podName());
    // another node, image, policy or set of credentials is another puller: no tenant's credentials pull for another
    for (var other : List.of(new PullerPod.Target("node-2", NEW, PullPolicy.IF_NOT_PRESENT, List.of("a", "b")),
        new PullerPod.Target("node-1", OLD, PullPolicy.IF_NOT_PRESENT, List.of("a", "b")),
        new PullerPod.Target("node-1", NEW, PullPolicy.ALWAYS, List.of("a", "b")),
        new PullerPod.Target("node-1", NEW, PullPolicy.IF_NOT_PRESENT, List.of("a")))) {
      assertFalse(a.podName().equals(other.podName()), other.toString());
    }
    assertTrue(a.podName().matches("claw-pull-[0-9a-f]{16}"), a.podName());
  }

  @Test
  void thePlanKeepsThePodOnItsOldImageWhileThePullerWorks() {
    Pod pod = live(true, "node-1");
    Plan plan = new Plan(null, null, null, NEW, null, new PodDecision.PatchImage(pod), false, null, null, null);
    assertEquals(Optional.of(pod), plan.imageChange());
    Plan waiting = plan.pullingAhead(new PullAhead.Start(new PullerPod.Target("node-1", NEW, PullPolicy.IF_NOT_PRESENT,
        List.of())));
    assertInstanceOf(PodDecision.Keep.class, waiting.pod());
    assertInstanceOf(PodDecision.PatchImage.class, waiting.switchingNow().pod());
    assertInstanceOf(PodDecision.PatchImage.class, plan.pullingAhead(new PullAhead.Switch(PullAhead.Why.PULLED)).pod());
  }
}
