package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which Pod Security profile the operator applied to the Pod, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodSecurityReport(
    @JsonPropertyDescription("restricted or baseline.") PodSecurityProfile profile,
    @JsonPropertyDescription("Why this profile: the operator's setting claw.operator.pod-security, or the "
        + "namespace's pod-security.kubernetes.io/enforce label.") String reason,
    @JsonPropertyDescription("The controls of the namespace's pod-security.kubernetes.io/warn level the Pod fails: "
        + "the API server admits it and returns these as warnings. Absent when it fails none, or no such label.")
    String warn,
    @JsonPropertyDescription("The same for the pod-security.kubernetes.io/audit level, whose violations go to the "
        + "API server's audit log.") String audit) {

  public PodSecurityReport(PodSecurityProfile profile, String reason) {
    this(profile, reason, null, null);
  }

  /** With what the namespace's warn and audit levels would say of the Pod; null for a level it passes. */
  public PodSecurityReport noting(String warnNote, String auditNote) {
    return new PodSecurityReport(profile, reason, warnNote, auditNote);
  }
}
