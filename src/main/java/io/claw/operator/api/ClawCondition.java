package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A Kubernetes-style condition. {@code lastTransitionTime} changes only when {@code status} does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClawCondition(
    @Required
    @JsonPropertyDescription("Condition type: Ready, ImagePullFailed, or PullSecretsFound "
        + "(only when spec.imagePullSecrets is set and the operator checks them).") String type,
    @Required @Pattern("^(True|False|Unknown)$")
    @JsonPropertyDescription("True, False or Unknown.") String status,
    @JsonPropertyDescription("One-word, CamelCase reason; for image pull failures the kubelet's own reason.") String reason,
    @JsonPropertyDescription("Human-readable detail.") String message,
    @JsonPropertyDescription("When status last changed (RFC 3339).") String lastTransitionTime,
    @JsonPropertyDescription("metadata.generation of the instance this condition was computed for.") Long observedGeneration) {

  public static final String READY = "Ready";
  public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
  public static final String PULL_SECRETS_FOUND = "PullSecretsFound";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  @JsonIgnore
  public boolean isTrue() {
    return TRUE.equals(status);
  }

  public ClawCondition withLastTransitionTime(String time) {
    return new ClawCondition(type, status, reason, message, time, observedGeneration);
  }
}
