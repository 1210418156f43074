package io.claw.operator.reconciler;

import java.time.Duration;

import io.claw.operator.status.PodState;
import io.fabric8.kubernetes.api.model.Pod;

/** What the apply stage's writes to the instance's Pod came to: each is an outcome, none an exit. */
sealed interface PodOutcome {

  /** What became of the Pod: its state for the status, and the Pod as last seen (null when there is none). */
  record Settled(PodState state, Pod pod) implements PodOutcome {
  }

  /**
   * The Pod to replace changed since it was judged: it is judged again soon, and the status stays
   * as it is, so that the next pass sees the same reasons to replace it.
   */
  record JudgeAgain() implements PodOutcome {
  }

  /**
   * The API server refused the Pod.
   *
   * @param retryAfter when to try again; null for a namespace on its way out, which takes the instance with it
   */
  record Refused(Refusal refusal, Duration retryAfter) implements PodOutcome {
  }
}
