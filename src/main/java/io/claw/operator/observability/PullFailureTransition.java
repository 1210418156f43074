package io.claw.operator.observability;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;

/** How the ImagePullFailed condition moved between two statuses; only moves are worth telling. */
public enum PullFailureTransition {
  STARTED,
  RECOVERED,
  NONE;

  public static PullFailureTransition between(ClawInstanceStatus before, ClawInstanceStatus after) {
    boolean wasFailing = failing(before);
    boolean isFailing = failing(after);
    if (isFailing == wasFailing) {
      return NONE;
    }
    return isFailing ? STARTED : RECOVERED;
  }

  private static boolean failing(ClawInstanceStatus status) {
    return status != null && status.condition(ClawCondition.IMAGE_PULL_FAILED).map(ClawCondition::isTrue).orElse(false);
  }
}
