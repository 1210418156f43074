package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which Pod Security profile the operator applied to the Pod, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodSecurityReport(
    @JsonPropertyDescription("restricted or baseline.") PodSecurityProfile profile,
    @JsonPropertyDescription("Why this profile: the operator's setting claw.operator.pod-security, or the "
        + "namespace's pod-security.kubernetes.io/enforce label.") String reason) {
}
