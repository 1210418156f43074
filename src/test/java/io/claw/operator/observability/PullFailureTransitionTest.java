package io.claw.operator.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullFailureReport;
import io.claw.operator.api.Reasons;

class PullFailureTransitionTest {

  private static ClawInstanceStatus pull(String status, String reason) {
    return ClawInstanceStatus.builder().phase(Phase.Pending).message("").image("app:1").podName("app")
        .observedGeneration(1L)
        .conditions(List.of(new ClawCondition(ClawCondition.IMAGE_PULL_FAILED, status, reason, "", null, 1L))).build();
  }

  private static final ClawInstanceStatus FAILING = pull(ClawCondition.TRUE, "ErrImagePull");
  private static final ClawInstanceStatus BACKING_OFF = pull(ClawCondition.TRUE, "ImagePullBackOff");
  private static final ClawInstanceStatus AWAITING = pull(ClawCondition.FALSE, Reasons.AWAITING_PULL);
  private static final ClawInstanceStatus PULLED = pull(ClawCondition.FALSE, Reasons.IMAGE_PULLED);
  private static final ClawInstanceStatus NEVER_FAILED = pull(ClawCondition.FALSE, "NoPullFailure");

  @Test
  void aFailureStartsOnceWhateverTheKubeletSaysNext() {
    assertEquals(PullFailureTransition.STARTED, PullFailureTransition.between(null, FAILING));
    assertEquals(PullFailureTransition.STARTED, PullFailureTransition.between(NEVER_FAILED, FAILING));
    assertEquals(PullFailureTransition.NONE, PullFailureTransition.between(FAILING, BACKING_OFF));
    assertEquals(PullFailureTransition.STARTED, PullFailureTransition.between(AWAITING, FAILING),
        "the replacement failed too: a failure of its own");
  }

  private static ClawInstanceStatus failingFor(PullFailureCause cause) {
    return FAILING.toBuilder().pullFailure(new PullFailureReport(cause, "registry.local", "hint", null, "Unknown")).build();
  }

  @Test
  void aNewCauseIsAChangeOfItsOwnAndTheSameCauseIsNot() {
    ClawInstanceStatus down = failingFor(PullFailureCause.REGISTRY_UNREACHABLE);
    assertEquals(PullFailureTransition.CAUSE_CHANGED,
        PullFailureTransition.between(down, failingFor(PullFailureCause.UNAUTHORIZED)),
        "the registry came back and now refuses the credentials");
    assertEquals(PullFailureTransition.NONE,
        PullFailureTransition.between(down, failingFor(PullFailureCause.REGISTRY_UNREACHABLE)));
    assertEquals(PullFailureTransition.NONE, PullFailureTransition.between(FAILING, down),
        "a cause found for a failure already told is no new failure");
  }

  @Test
  void recoveredOnlyWhenAPullSucceeded() {
    assertEquals(PullFailureTransition.NONE, PullFailureTransition.between(FAILING, AWAITING),
        "the failing Pod was replaced: nothing was pulled yet");
    assertEquals(PullFailureTransition.NONE, PullFailureTransition.between(AWAITING, AWAITING));
    assertEquals(PullFailureTransition.RECOVERED, PullFailureTransition.between(AWAITING, PULLED));
    assertEquals(PullFailureTransition.RECOVERED, PullFailureTransition.between(BACKING_OFF, PULLED));
    assertEquals(PullFailureTransition.NONE, PullFailureTransition.between(NEVER_FAILED, PULLED));
    assertEquals(PullFailureTransition.NONE, PullFailureTransition.between(PULLED, PULLED));
  }
}
