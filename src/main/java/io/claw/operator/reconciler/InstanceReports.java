package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.RunStatus;
import io.claw.operator.api.ResolvedImage;
import io.claw.operator.observability.ClawMetrics;
import io.claw.operator.observability.EventRecorder;
import io.claw.operator.observability.InstanceEvents;
import io.claw.operator.observability.PullFailureTransition;
import io.claw.operator.pod.ClawPod;
import io.fabric8.kubernetes.api.model.Container;

/**
 * The report stage: the one place where what a reconcile did becomes Events, metrics and the
 * warnings in the log that go with them. What the writes did (a Pod replaced, a container moved to
 * a new digest) is said right after them, whether or not the status write then succeeds; what the
 * status says anew (a pull failure that starts or ends, a pull-policy notice, a refusal) only once
 * it is written, so that a failed write leaves the change to report to the retry, and each change
 * is said once.
 */
final class InstanceReports {

  private static final Logger LOG = Logger.getLogger(InstanceReports.class);

  private final ClawMetrics metrics;
  private final EventRecorder events;

  InstanceReports(ClawMetrics metrics, EventRecorder events) {
    this.metrics = metrics;
    this.events = events;
  }

  /** What the apply stage's writes did: a Pod that ended replaced, a container moved to a new digest. */
  void applied(ClawInstance instance, Plan plan, PodOutcome outcome, Instant now) {
    if (!(outcome instanceof PodOutcome.Settled)) {
      return;
    }
    if (plan.pod() instanceof PodDecision.Replace replace && replace.why() == PodDecision.Why.ENDED) {
      metrics.podReplaced(replace.ending().metricReason());
      events.record(InstanceEvents.warning(instance, Reasons.POD_REPLACED,
          "Replacing Pod " + replace.pod().getMetadata().getName() + ", " + replace.ending().description()
              + " (" + replace.endedInARow() + " in a row)", now));
    }
    if (plan.pod() instanceof PodDecision.Replace again && again.why() == PodDecision.Why.RUN_AGAIN
        && plan.run() instanceof RunJudgement.Retry retry) {
      events.record(InstanceEvents.warning(instance, Reasons.RUN_RETRIED, "Running again in a new Pod: Pod "
          + again.pod().getMetadata().getName() + " " + again.ending().description() + (retry.disrupted()
              ? " (a disruption: not counted)"
              : " (failed runs: " + retry.status().failed() + " of spec.run.backoffLimit "
                  + instance.getSpec().getRun().backoffLimitOrDefault() + ")"), now));
    }
    ResolvedImage resolved = plan.tag() == null ? null : plan.tag().resolved();
    if (resolved != null && plan.pod() instanceof PodDecision.PatchImage moved) {
      events.record(InstanceEvents.normal(instance, Reasons.IMAGE_DIGEST_MOVED, resolved.tag() + " moved to "
          + resolved.digest() + "; the Pod's container is restarted with it (was "
          + ClawPod.appContainer(moved.pod()).map(Container::getImage).orElse(null) + ")", now));
    }
  }

  /**
   * What the written status says anew.
   *
   * @param written the status written; null when none was
   */
  void written(ClawInstance instance, Plan plan, PodOutcome outcome, ClawInstanceStatus written, Instant now) {
    if (written == null) {
      return;
    }
    if (outcome instanceof PodOutcome.Settled) {
      statusChanges(instance, plan, written, now);
    } else if (outcome instanceof PodOutcome.Refused refused) {
      LOG.warnf("ClawInstance %s/%s: %s (HTTP %d); trying again with a back-off of at most %d s",
          instance.getMetadata().getNamespace(), instance.getMetadata().getName(), written.message(),
          refused.refusal().code(), RetryBackOff.CAP.toSeconds());
      events.record(InstanceEvents.warning(instance, Reasons.POD_REFUSED, written.message(), now));
      metrics.refused("pod");
    }
  }

  /** Events and metrics for a pull failure that starts or ends, and for a pull-policy notice, once per change. */
  private void statusChanges(ClawInstance instance, Plan plan, ClawInstanceStatus next, Instant now) {
    PullFailureTransition transition = PullFailureTransition.between(instance.getStatus(), next);
    if (transition == PullFailureTransition.STARTED || transition == PullFailureTransition.CAUSE_CHANGED) {
      metrics.pullFailureStarted(next.pullFailureReason(), next.pullFailure() == null ? null : next.pullFailure().cause());
    }
    InstanceEvents.forTransition(instance, next, transition, now).ifPresent(events::record);
    pullAheadFailed(instance.getStatus(), next);
    InstanceEvents.forNotice(instance, plan.policy().notice(), now).ifPresent(events::record);
    runEnded(instance, next);
  }

  /** A pull ahead of an image switch that starts to fail, or fails for a new cause: counted once. */
  private void pullAheadFailed(ClawInstanceStatus before, ClawInstanceStatus next) {
    boolean failing = next.condition(ClawCondition.IMAGE_ROLLED_OUT)
        .filter(c -> Reasons.PULL_AHEAD_FAILED.equals(c.reason())).isPresent();
    if (!failing || next.pullFailure() == null) {
      return;
    }
    ClawInstanceStatus was = ClawInstanceStatus.usable(before);
    boolean failedBefore = was != null && was.condition(ClawCondition.IMAGE_ROLLED_OUT)
        .filter(c -> Reasons.PULL_AHEAD_FAILED.equals(c.reason())).isPresent()
        && was.pullFailure() != null && was.pullFailure().cause() == next.pullFailure().cause();
    if (!failedBefore) {
      metrics.pullAheadFailed(next.pullFailure().cause());
    }
  }

  /** A run to completion that ends with this status: counted once, with how long it took. */
  private void runEnded(ClawInstance instance, ClawInstanceStatus next) {
    if (!RunJudgement.endedBefore(next) || RunJudgement.endedBefore(ClawInstanceStatus.usable(instance.getStatus()))) {
      return;
    }
    RunStatus run = next.run();
    metrics.runFinished(next.phase().name(), run.reason(), Duration.between(Instant.parse(run.startTime()),
        Instant.parse(run.completionTime())));
    LOG.infof("ClawInstance %s/%s: the run %s (%s) after %s", instance.getMetadata().getNamespace(),
        instance.getMetadata().getName(), next.phase() == Phase.Succeeded ? "completed" : "failed", run.reason(),
        Duration.between(Instant.parse(run.startTime()), Instant.parse(run.completionTime())));
  }
}
