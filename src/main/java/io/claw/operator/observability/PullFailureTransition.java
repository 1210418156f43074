package io.claw.operator.observability;

import java.util.Objects;
import java.util.Optional;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.Reasons;

/**
 * How the ImagePullFailed condition moved between two statuses; only moves are worth telling.
 * A failure starts when the condition turns True, and has recovered only when an image was
 * pulled after it (reason ImagePulled), not when the failing Pod was merely replaced.
 */
public enum PullFailureTransition {
  STARTED,
  /** Still failing, for another cause (e.g. the registry came back, and now refuses the credentials). */
  CAUSE_CHANGED,
  RECOVERED,
  NONE;

  public static PullFailureTransition between(ClawInstanceStatus before, ClawInstanceStatus after) {
    Optional<ClawCondition> is = pullCondition(after);
    if (is.map(ClawCondition::isTrue).orElse(false)) {
      if (!pullCondition(before).map(ClawCondition::isTrue).orElse(false)) {
        return STARTED;
      }
      return Objects.equals(cause(before), cause(after)) || cause(before) == null ? NONE : CAUSE_CHANGED;
    }
    boolean pulled = is.map(c -> Reasons.IMAGE_PULLED.equals(c.reason())).orElse(false);
    return pulled && Reasons.pullUnresolved(before) ? RECOVERED : NONE;
  }

  private static PullFailureCause cause(ClawInstanceStatus status) {
    return status == null || status.pullFailure() == null ? null : status.pullFailure().cause();
  }

  private static Optional<ClawCondition> pullCondition(ClawInstanceStatus status) {
    return status == null ? Optional.empty() : status.condition(ClawCondition.IMAGE_PULL_FAILED);
  }
}
