package io.claw.operator.status;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.Phase;
import io.claw.operator.api.Reasons;

/**
 * kstatus's two conditions (sigs.k8s.io/cli-utils, pkg/kstatus/status/generic.go), from the rest of
 * the status: {@code Stalled=True} when the instance cannot get where its spec asks without a change,
 * {@code Reconciling=True} while it is on its way, neither once it is there. kstatus calls a custom
 * resource Current unless one of them is True (or observedGeneration lags); it never reads Ready.
 * So Flux's health checks, {@code kubectl wait --for=condition=Stalled} and every other kstatus
 * reader see a broken instance as Failed and a starting one as InProgress. Each is written only while
 * True, so an instance that runs as it should has neither (and an upgrade writes nothing to it).
 * Pure.
 */
public final class Progress {

  /** Reasons of StorageReady, ServiceReady and ImageRolledOut that only a change can clear. */
  static final Set<String> STALLING = Set.of(Reasons.PULL_AHEAD_FAILED, Reasons.PULLER_REFUSED,
      Reasons.STORAGE_CHANGE_REFUSED, Reasons.EXPANSION_REFUSED, Reasons.CLAIM_REFUSED, Reasons.CLAIM_NAME_CONFLICT,
      Reasons.STORAGE_CLASS_NOT_FOUND, Reasons.NO_VOLUME_AVAILABLE, Reasons.CLAIM_LOST, Reasons.SERVICE_REFUSED,
      Reasons.SERVICE_NAME_CONFLICT);
  /** Reasons of StorageReady and ImageRolledOut that pass by themselves. */
  static final Set<String> UNDER_WAY = Set.of(Reasons.PULLING_AHEAD, Reasons.CLAIM_PENDING, Reasons.CLAIM_PROVISIONING,
      Reasons.WAITING_FOR_FIRST_CONSUMER, Reasons.CLAIM_EXPANDING);
  private static final Set<String> OTHERS = Set.of(ClawCondition.STORAGE_READY, ClawCondition.SERVICE_READY,
      ClawCondition.IMAGE_ROLLED_OUT);

  private Progress() {
  }

  /**
   * @param phase, ready, reason, message the verdict on the instance (Ready's status, reason and message)
   * @param running a run to completion that has not ended
   * @param others the status's other conditions
   */
  public static Optional<ClawCondition> of(Phase phase, boolean ready, String reason, String message, boolean running,
      List<ClawCondition> others, Long generation) {
    if (phase == Phase.Failed || phase == Phase.ImagePullFailed) {
      return Optional.of(new ClawCondition(ClawCondition.STALLED, ClawCondition.TRUE, reason, message, null, generation));
    }
    Optional<ClawCondition> other = others.stream().filter(c -> OTHERS.contains(c.type()))
        .filter(c -> ClawCondition.FALSE.equals(c.status())).filter(c -> STALLING.contains(c.reason())).findFirst();
    if (other.isPresent()) {
      return Optional.of(new ClawCondition(ClawCondition.STALLED, ClawCondition.TRUE, other.get().reason(),
          other.get().message(), null, generation));
    }
    if (phase == Phase.Pending || phase == Phase.Stopping || (phase == Phase.Running && (!ready || running))) {
      return Optional.of(new ClawCondition(ClawCondition.RECONCILING, ClawCondition.TRUE, reason, message, null,
          generation));
    }
    return others.stream().filter(c -> OTHERS.contains(c.type()))
        .filter(c -> ClawCondition.FALSE.equals(c.status())).filter(c -> UNDER_WAY.contains(c.reason())).findFirst()
        .map(c -> new ClawCondition(ClawCondition.RECONCILING, ClawCondition.TRUE, c.reason(), c.message(), null,
            generation));
  }
}
