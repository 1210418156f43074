package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * Every path of the Pod decision, including those the API-server tests reach
 * (ClawInstanceReconcilerTest, SelfHealingTest): create, wait for a deletion, replace an
 * orphan, an ended Pod, a Pod whose Secret appeared or whose immutable fields changed, back off,
 * patch the image, keep.
 */
class PodDecisionTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static ClawInstance instance() {
    return TestInstance.named("web").in("ns").uid("uid-1").image("nginx:1.27").build();
  }

  private static final Pod DESIRED = ClawPod.desired(instance(), "nginx:1.27", PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE);

  /** The desired Pod as the API server holds it: created at {@code created}, with a status. */
  private static Pod live(Instant created, UnaryOperator<PodBuilder> change) {
    return change.apply(new PodBuilder(DESIRED).editMetadata().withUid("pod-1").withResourceVersion("7")
        .withCreationTimestamp(created.toString()).endMetadata()
        .withNewStatus().withPhase("Running").endStatus()).build();
  }

  private static UnaryOperator<PodBuilder> evicted(int endedBefore) {
    return b -> b.editMetadata().addToAnnotations(Labels.ENDED_PODS, String.valueOf(endedBefore)).endMetadata()
        .editStatus().withPhase("Failed").withReason("Evicted").withMessage("The node was low on resource: memory.")
        .endStatus();
  }

  private static UnaryOperator<PodBuilder> pullFailing() {
    return b -> b.editStatus().withPhase("Pending").addNewContainerStatus().withName("claw").withImageID("")
        .withNewState().withNewWaiting().withReason("ImagePullBackOff").endWaiting().endState()
        .endContainerStatus().endStatus();
  }

  private static PodDecision decide(Pod live, boolean secretsAppeared) {
    return PodDecision.decide(instance(), Optional.ofNullable(live), DESIRED, secretsAppeared, NOW);
  }

  static Stream<Arguments> cases() {
    Instant young = NOW.minusSeconds(30);
    return Stream.of(
        Arguments.of("no Pod", null, false, PodDecision.Create.class),
        Arguments.of("being deleted", live(young, b -> b.editMetadata().withDeletionTimestamp(NOW.toString())
            .endMetadata()), false, PodDecision.AwaitDeletion.class),
        Arguments.of("as desired", live(young, b -> b), false, PodDecision.Keep.class),
        Arguments.of("as desired, a Secret appeared, pulls fine", live(young, b -> b), true, PodDecision.Keep.class),
        Arguments.of("another image", live(young, b -> b.editMetadata()
            .addToAnnotations(Labels.APPLIED_IMAGE, "nginx:1.26").endMetadata()), false, PodDecision.PatchImage.class),
        Arguments.of("other immutable fields", live(young, b -> b.editMetadata()
            .addToAnnotations(Labels.POD_SPEC_HASH, "0000").endMetadata()), false, PodDecision.Replace.class),
        Arguments.of("another owner", live(young, b -> b.editMetadata().editFirstOwnerReference().withUid("uid-0")
            .endOwnerReference().endMetadata()), false, PodDecision.Replace.class),
        Arguments.of("pull failing, Secret appeared", live(young, pullFailing()), true, PodDecision.Replace.class),
        Arguments.of("pull failing, no new Secret", live(young, pullFailing()), false, PodDecision.Keep.class),
        Arguments.of("evicted, first in a row", live(young, evicted(0)), false, PodDecision.Replace.class),
        Arguments.of("evicted, second in a row, 4 s old", live(NOW.minusSeconds(4), evicted(1)), false,
            PodDecision.BackOff.class),
        Arguments.of("evicted, second in a row, 10 s old", live(NOW.minusSeconds(10), evicted(1)), false,
            PodDecision.Replace.class),
        Arguments.of("evicted, fourth in a row, 30 s old", live(young, evicted(3)), false, PodDecision.BackOff.class),
        Arguments.of("evicted after running for 10 minutes", live(NOW.minusSeconds(600), evicted(5)), false,
            PodDecision.Replace.class),
        Arguments.of("succeeded", live(young, b -> b.editStatus().withPhase("Succeeded").endStatus()), false,
            PodDecision.Replace.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, Pod live, boolean secretsAppeared, Class<? extends PodDecision> expected) {
    assertInstanceOf(expected, decide(live, secretsAppeared), name);
  }

  @Test
  void whyAndGracePeriodOfEachReplacement() {
    Instant young = NOW.minusSeconds(30);
    var ended = (PodDecision.Replace) decide(live(young, evicted(0)), false);
    assertEquals(PodDecision.Why.ENDED, ended.why());
    assertEquals(0L, ended.gracePeriodSeconds(), "nothing runs in an ended Pod");
    assertEquals("Evicted", ended.ending().reason());
    assertEquals(1, ended.endedInARow());

    var secrets = (PodDecision.Replace) decide(live(young, pullFailing()), true);
    assertEquals(PodDecision.Why.SECRETS_APPEARED, secrets.why());
    assertEquals(0L, secrets.gracePeriodSeconds(), "never ran, cannot run");

    var changed = (PodDecision.Replace) decide(live(young, b -> b.editMetadata()
        .addToAnnotations(Labels.POD_SPEC_HASH, "0000").endMetadata()), false);
    assertEquals(PodDecision.Why.SPEC_CHANGED, changed.why());
    assertNull(changed.gracePeriodSeconds(), "a running app is stopped gracefully");

    var changedWhileFailing = (PodDecision.Replace) decide(live(young, b -> pullFailing().apply(b).editMetadata()
        .addToAnnotations(Labels.POD_SPEC_HASH, "0000").endMetadata()), false);
    assertEquals(0L, changedWhileFailing.gracePeriodSeconds());

    var orphan = (PodDecision.Replace) decide(live(young, b -> b.editMetadata().editFirstOwnerReference()
        .withUid("uid-0").endOwnerReference().endMetadata()), false);
    assertEquals(PodDecision.Why.ORPHANED, orphan.why());
  }

  @Test
  void anOrphanThatEndedIsReplacedAsAnOrphan() {
    var orphan = (PodDecision.Replace) decide(live(NOW.minusSeconds(5), b -> evicted(3).apply(b).editMetadata()
        .editFirstOwnerReference().withUid("uid-0").endOwnerReference().endMetadata()), false);
    assertEquals(PodDecision.Why.ORPHANED, orphan.why(), "an earlier instance's count is not ours");
  }

  @Test
  void backOffDoublesWithEachPodThatEndedAndIsMeasuredFromTheCreation() {
    var second = (PodDecision.BackOff) decide(live(NOW.minusSeconds(4), evicted(1)), false);
    assertEquals(2, second.endedInARow());
    assertEquals(Duration.ofSeconds(6), second.remaining(), "10 s after its creation");
    var fourth = (PodDecision.BackOff) decide(live(NOW.minusSeconds(4), evicted(3)), false);
    assertEquals(Duration.ofSeconds(36), fourth.remaining(), "40 s after its creation");
    var tenth = (PodDecision.BackOff) decide(live(NOW.minusSeconds(4), evicted(9)), false);
    assertEquals(Duration.ofSeconds(296), tenth.remaining(), "capped at 5 minutes");
  }

  @Test
  void aCountSomeoneWroteThatIsNoNumberCountsAsNone() {
    var replaced = decide(live(NOW.minusSeconds(4), b -> evicted(0).apply(b).editMetadata()
        .addToAnnotations(Labels.ENDED_PODS, "lots").endMetadata()), false);
    assertInstanceOf(PodDecision.Replace.class, replaced);
    assertEquals(1, ((PodDecision.Replace) replaced).endedInARow());
  }

  /** A create met 409: the Pod of the instance's name as the API server holds it (ClawInstanceReconcilerTest's paths). */
  @Test
  void afterAConflictOurPodIsAdoptedItsLabelsRestoredAndAForeignOneIsAConflict() {
    Pod ours = live(NOW.minusSeconds(5), b -> b);
    assertInstanceOf(PodDecision.Adopt.class, PodDecision.afterConflict(instance(), ours, DESIRED),
        "the cache lags: its event will follow");
    Pod unlabelled = new PodBuilder(ours).editMetadata().removeFromLabels(Labels.MANAGED_BY).endMetadata().build();
    assertInstanceOf(PodDecision.RestoreLabels.class, PodDecision.afterConflict(instance(), unlabelled, DESIRED));
    Pod foreign = new PodBuilder(ours).editMetadata().withOwnerReferences().endMetadata().build();
    assertInstanceOf(PodDecision.NameConflict.class, PodDecision.afterConflict(instance(), foreign, DESIRED));
    assertInstanceOf(PodDecision.NameConflict.class, PodDecision.afterConflict(instance(), null, DESIRED),
        "deleted again in between: nothing to adopt");
  }
}
