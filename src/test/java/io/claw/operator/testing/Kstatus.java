package io.claw.operator.testing;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;

/**
 * kstatus's verdict on a custom resource, as sigs.k8s.io/cli-utils computes it
 * (pkg/kstatus/status/generic.go: checkGenericProperties and checkGeneration; core.go: a kind with
 * no rules of its own is Current when those decide nothing). Flux's health checks and wait, and
 * kubectl's status readers use these rules; they never read Ready.
 */
public final class Kstatus {

  public enum Status {
    InProgress, Failed, Current, Terminating
  }

  private Kstatus() {
  }

  public static Status of(ClawInstance instance) {
    if (instance.getMetadata().getDeletionTimestamp() != null && !instance.getMetadata().getDeletionTimestamp().isEmpty()) {
      return Status.Terminating;
    }
    if (instance.getStatus() == null) {
      return Status.Current; // no observedGeneration to compare, no conditions: nothing decides
    }
    Long generation = instance.getMetadata().getGeneration();
    Long observed = instance.getStatus().observedGeneration();
    if (generation != null && observed != null && !observed.equals(generation)) {
      return Status.InProgress; // LatestGenerationNotObserved
    }
    for (ClawCondition condition : instance.getStatus().conditions() == null
        ? java.util.List.<ClawCondition>of() : instance.getStatus().conditions()) {
      if (ClawCondition.RECONCILING.equals(condition.type()) && ClawCondition.TRUE.equals(condition.status())) {
        return Status.InProgress;
      }
      if (ClawCondition.STALLED.equals(condition.type()) && ClawCondition.TRUE.equals(condition.status())) {
        return Status.Failed;
      }
    }
    return Status.Current;
  }
}
