package io.claw.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/**
 * What the status says of spec.storage is computed from: the claim as last seen, what the apply
 * stage did or refused, and the newest Event about a claim that has not bound.
 *
 * @param claim the claim; null when none exists or another's holds the name
 * @param refusal why spec.storage was not applied to the claim (a shrink, a class or access mode
 *     change, an expansion the API server refused); null when it was
 * @param refusalReason the reason of that refusal, from {@link io.claw.operator.api.Reasons}
 * @param newestEvent the newest Event about a Pending claim; null otherwise
 */
public record StorageFacts(String claimName, PersistentVolumeClaim claim, boolean nameConflict, String refusalReason,
    String refusal, Event newestEvent) {
}
