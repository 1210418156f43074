package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Reasons;
import io.claw.operator.status.Observation;
import io.claw.operator.status.PodEnding;
import io.claw.operator.status.PodState;
import io.claw.operator.status.PullSecrets;

/** When to look at an instance again, besides its events: pure, from what the reconcile saw and did. */
final class Requeue {

  /** A foreign Pod holding our name sends us no events: look again now and then. */
  static final Duration WHILE_A_FOREIGN_POD_HOLDS_THE_NAME = Duration.ofSeconds(30);
  /**
   * A Pod that changed between being judged and being deleted sends an event that brings the
   * next reconcile; this only covers that event being lost.
   */
  static final Duration AFTER_A_CHANGED_POD = Duration.ofSeconds(1);
  /**
   * A claim that has not bound, of an instance that runs: its Events, which say why, bring no
   * reconcile, so the status reads them again now and then.
   */
  static final Duration WHILE_A_CLAIM_PENDS = Duration.ofSeconds(30);
  /** The API server refused the claim or the Service: asked again now and then, as it sends no event when that changes. */
  static final Duration AFTER_A_REFUSED_CLAIM_OR_SERVICE = Duration.ofSeconds(30);
  /** The API server refused a puller: asked for again now and then (claw.operator.pull-ahead.when-refused=wait). */
  static final Duration AFTER_A_REFUSED_PULLER = Duration.ofSeconds(30);
  /** The spec changed while the last one was being reconciled: the new one is reconciled next. */
  static final Duration FOR_A_NEWER_SPEC = Duration.ofMillis(10);
  /**
   * The puller changed while the instance joined its waiters, so its event may not have named the
   * instance (OwnedPuller.changedSinceJudged): judged again next.
   */
  static final Duration AFTER_THE_PULLER_CHANGED = Duration.ofMillis(10);

  private Requeue() {
  }

  /**
   * @param input what the status was computed from; null when none was
   * @param status the computed status; null when none was
   * @param specMovedOn the status write found the spec newer than the one this pass reconciled
   * @param pullerChanged the puller this instance waits for changed after it was judged from it
   */
  static Optional<Duration> after(Plan plan, PodOutcome outcome, Observation input, ClawInstanceStatus status,
      boolean specMovedOn, boolean pullerChanged, Instant now) {
    if (outcome instanceof PodOutcome.JudgeAgain) {
      return Optional.of(AFTER_A_CHANGED_POD);
    }
    if (outcome instanceof PodOutcome.Refused refused) {
      return Optional.ofNullable(refused.retryAfter());
    }
    if (specMovedOn) {
      return Optional.of(FOR_A_NEWER_SPEC);
    }
    if (pullerChanged) {
      return Optional.of(AFTER_THE_PULLER_CHANGED);
    }
    return Stream.of(
            Optional.of(plan.pod()).filter(PodDecision.BackOff.class::isInstance)
                .map(backOff -> ((PodDecision.BackOff) backOff).remaining()),
            Optional.of(WHILE_A_FOREIGN_POD_HOLDS_THE_NAME).filter(d -> input.podState() == PodState.NAME_CONFLICT),
            Optional.of(input.pullSecrets().result() == PullSecrets.Result.MISSING)
                .filter(Boolean::booleanValue).map(missing -> PullSecretCheck.recheckAfter(status, now)),
            Optional.of(WHILE_A_CLAIM_PENDS).filter(d -> claimPends(input)),
            Optional.of(AFTER_A_REFUSED_CLAIM_OR_SERVICE).filter(d -> ownedRefused(input)),
            Optional.of(AFTER_A_REFUSED_PULLER).filter(d -> input.rollout() != null && input.rollout().refusal() != null),
            // a run's deadline, the end of a pull failure's grace, or its time to live after finishing
            Optional.ofNullable(plan.run())
                .flatMap(run -> RunJudgement.nextMoment(run, input.instance().getSpec().getRun(), status))
                .map(at -> Duration.between(now, at)).map(d -> d.isNegative() ? Duration.ZERO : d),
            // a young Pod's count of ended Pods leaves the status once it has run long enough
            Optional.ofNullable(input.pod()).flatMap(PodEnding::countExpires)
                .map(at -> Duration.between(now, at).plusSeconds(1)))
        .flatMap(Optional::stream)
        .min(Comparator.naturalOrder());
  }

  private static boolean ownedRefused(Observation input) {
    return input.service() != null && input.service().refusal() != null
        || input.storage() != null && Reasons.CLAIM_REFUSED.equals(input.storage().refusalReason());
  }

  private static boolean claimPends(Observation input) {
    return input.podState() == PodState.PRESENT && input.storage() != null && input.storage().claim() != null
        && input.storage().claim().getStatus() != null
        && OwnedClaim.PENDING.equals(input.storage().claim().getStatus().getPhase());
  }
}
