package io.claw.operator.api;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of an instance; rebuilt from the Pod on every reconcile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClawInstanceStatus(
    @JsonPropertyDescription("Pending, Running, ImagePullFailed or Failed.") Phase phase,
    @JsonPropertyDescription("Human-readable summary of the phase: why the instance is not running, if it is not.") String message,
    @JsonPropertyDescription("Effective image pull policy on the Pod.") PullPolicy pullPolicy,
    @JsonPropertyDescription("Where pullPolicy came from: spec, or operator-default.") PullPolicySource pullPolicySource,
    @JsonPropertyDescription("Image the Pod runs (spec.image, or the operator's default image).") String image,
    @JsonPropertyDescription("Image ID (digest) the container runs, as reported by the kubelet; absent until pulled.") String imageID,
    @JsonPropertyDescription("The kubelet's reason while the image cannot be pulled (e.g. ImagePullBackOff); absent otherwise.") String pullFailureReason,
    @JsonPropertyDescription("Name of the owned Pod.") String podName,
    @JsonPropertyDescription("metadata.generation of the instance this status was computed for.") Long observedGeneration,
    @JsonPropertyDescription("Ready and ImagePullFailed conditions.") List<ClawCondition> conditions) {

  public Optional<ClawCondition> condition(String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.type())).findFirst();
  }
}
