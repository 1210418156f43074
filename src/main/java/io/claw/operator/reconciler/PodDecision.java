package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.status.PodEnding;
import io.claw.operator.status.PullFailure;
import io.claw.operator.status.Rejection;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What to do about the instance's Pod, decided from what was observed alone: no I/O, so that
 * every path has a unit test. {@link OwnedPod} carries the decision out.
 */
sealed interface PodDecision {

  /** Neither spec.image nor the operator's default image is set: no Pod can be built, none is touched. */
  record NoImage() implements PodDecision {
  }

  /** The tag is to be resolved and no digest is known yet: a live Pod stays as it is, none is created. */
  record AwaitDigest(Optional<Pod> live) implements PodDecision {
  }

  /** The spec cannot be built into a Pod (or not one its namespace admits): a live Pod stays as it is. */
  record Rejected(Rejection why, Optional<Pod> live) implements PodDecision {
  }

  /**
   * spec.stopped: the Pod goes, gracefully (at once if its app never ran or cannot run), and none
   * is created.
   */
  record Stop(Optional<Pod> live) implements PodDecision {

    /** 0 for a Pod in which no app runs or can run; null for the Pod's own grace period. */
    Long gracePeriodSeconds() {
      return live.filter(PullFailure::blocksPodThatNeverRan).map(p -> 0L).orElse(null);
    }
  }

  /**
   * A run to completion ended: no Pod is created or replaced; a Pod that still runs is stopped
   * (stop), any other is kept as it is, for its logs.
   */
  record Halt(Optional<Pod> live, Optional<Pod> stop, Long gracePeriodSeconds) implements PodDecision {
  }

  /** No Pod of the instance's name in the cache: create the desired one. */
  record Create() implements PodDecision {
  }

  /** The Pod is being deleted; its deletion event brings the next reconcile, which creates the new one. */
  record AwaitDeletion(Pod pod) implements PodDecision {
  }

  /**
   * Delete the Pod (with its uid and resourceVersion as preconditions) so that a new one can
   * take the name. A grace period of 0 for a Pod in which no app runs or can run.
   *
   * @param endedInARow for a Pod that ended, how many Pods in a row have ended with it; 0 otherwise
   */
  record Replace(Pod pod, Why why, Long gracePeriodSeconds, PodEnding ending, int endedInARow)
      implements PodDecision {
  }

  /** The Pod ended, like the ones before it, too soon after the last replacement: replace it later. */
  record BackOff(Pod pod, PodEnding ending, int endedInARow, Duration remaining) implements PodDecision {
  }

  /** Only the image changed: the one container field a live Pod takes in place. */
  record PatchImage(Pod pod) implements PodDecision {
  }

  /** The Pod is built from the current inputs. */
  record Keep(Pod pod) implements PodDecision {
  }

  /**
   * What a create that met 409 (a Pod of that name exists, though not in the cache) found, decided
   * from that Pod alone.
   */
  sealed interface AfterConflict {
  }

  /** Ours, only not in the cache yet: its event will follow. */
  record Adopt(Pod pod) implements AfterConflict {
  }

  /** Ours, but someone removed labels the informer selects on: put them back. */
  record RestoreLabels(Pod pod) implements AfterConflict {
  }

  /** Someone else's Pod holds the instance's name. */
  record NameConflict() implements AfterConflict {
  }

  enum Why {
    /** Ours by label but not by owner: left over from a deleted instance of the same name. */
    ORPHANED,
    /** It ended (evicted, refused by the node, its node shut down): no container runs in it again. */
    ENDED,
    /** A missing pull secret exists now; the kubelet would wait out its pull back-off (up to 5 min) first. */
    SECRETS_APPEARED,
    /** Fields a live Pod cannot change differ from the desired ones. */
    SPEC_CHANGED,
    /** A run to completion failed within its back-off limit, or was disrupted: it runs again in a new Pod. */
    RUN_AGAIN
  }

  /**
   * @param live the cached Pod of the instance's name, if any
   * @param secretsAppeared the status said a pull secret was missing, and now every one exists
   */
  static PodDecision decide(ClawInstance instance, Optional<Pod> live, Pod desired, boolean secretsAppeared,
      Instant now) {
    if (live.isEmpty()) {
      return new Create();
    }
    Pod pod = live.get();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return new AwaitDeletion(pod);
    }
    if (!isControlledBy(pod, instance)) {
      return replace(pod, Why.ORPHANED);
    }
    Optional<PodEnding> ending = PodEnding.of(pod);
    if (ending.isPresent()) {
      int inARow = PodEnding.endedInARow(pod, now);
      Duration wait = Duration.between(now, PodEnding.replaceAt(pod, now));
      return wait.isNegative() || wait.isZero()
          ? new Replace(pod, Why.ENDED, 0L, ending.get(), inARow)
          : new BackOff(pod, ending.get(), inARow, wait);
    }
    if (secretsAppeared && PullFailure.of(pod).isPresent()) {
      return replace(pod, Why.SECRETS_APPEARED);
    }
    if (ClawPod.needsRecreate(pod, desired)) {
      return replace(pod, Why.SPEC_CHANGED);
    }
    if (ClawPod.needsImageUpdate(pod, desired)) {
      return new PatchImage(pod);
    }
    return new Keep(pod);
  }

  /**
   * A Pod whose containers never started and cannot start (its image does not pull) has no app
   * to stop gracefully, so it goes at once and its replacement need not wait for the kubelet's
   * graceful delete. Any other Pod is stopped gracefully, so that two never run side by side.
   */
  private static Replace replace(Pod pod, Why why) {
    return new Replace(pod, why, PullFailure.blocksPodThatNeverRan(pod) ? 0L : null, null, 0);
  }

  /** @param existing the Pod of the instance's name as the API server holds it, null if gone again */
  static AfterConflict afterConflict(ClawInstance instance, Pod existing, Pod desired) {
    if (existing == null || !isControlledBy(existing, instance)) {
      return new NameConflict();
    }
    return Labels.hasAll(existing, desired.getMetadata().getLabels()) ? new Adopt(existing) : new RestoreLabels(existing);
  }

  static boolean isControlledBy(HasMetadata owned, ClawInstance owner) {
    return owned.getMetadata().getOwnerReferences().stream()
        .filter(ref -> Boolean.TRUE.equals(ref.getController()))
        .map(OwnerReference::getUid)
        .anyMatch(uid -> Objects.equals(uid, owner.getMetadata().getUid()));
  }
}
