package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** status.storage: the instance's claim as last seen. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageStatus(
    @JsonPropertyDescription("Name of the instance's PersistentVolumeClaim.") String claimName,
    @JsonPropertyDescription("The claim's phase: Pending, Bound or Lost; absent before it exists.") String phase,
    @JsonPropertyDescription("The volume the claim is bound to.") String volumeName,
    @JsonPropertyDescription("Capacity of the bound volume, e.g. 1Gi.") String capacity,
    @JsonPropertyDescription("Size the claim asks for (spec.storage.size once applied).") String requested) {
}
