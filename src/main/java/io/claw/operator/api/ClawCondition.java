package io.claw.operator.api;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

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
    @JsonPropertyDescription("Condition type: Ready, ImagePullFailed, PullSecretsFound "
        + "(only when spec.imagePullSecrets is set and the operator checks them), ImageUpToDate (only when the "
        + "instance resolves tags), StorageReady (only with spec.storage), ServiceReady (only with spec.service), Complete or Failed (a run to "
        + "completion that ended), ImageRolledOut (False while a new image is pulled onto the node first), and kstatus's "
        + "Reconciling and Stalled (only while True).") String type,
    @Required @Pattern("^(True|False|Unknown)$")
    @JsonPropertyDescription("True, False or Unknown.") String status,
    @JsonPropertyDescription("One-word, CamelCase reason; for image pull failures the kubelet's own reason.") String reason,
    @JsonPropertyDescription("Human-readable detail.") String message,
    @JsonPropertyDescription("When status last changed (RFC 3339).") String lastTransitionTime,
    @JsonPropertyDescription("metadata.generation of the instance this condition was computed for.") Long observedGeneration) {

  public static final String READY = "Ready";
  public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
  public static final String PULL_SECRETS_FOUND = "PullSecretsFound";
  public static final String IMAGE_UP_TO_DATE = "ImageUpToDate";
  public static final String STORAGE_READY = "StorageReady";
  public static final String SERVICE_READY = "ServiceReady";
  /**
   * False while a running Pod's new image is pulled onto its node first, or while that pull fails;
   * absent when the Pod runs the image it is to run.
   */
  public static final String IMAGE_ROLLED_OUT = "ImageRolledOut";
  /**
   * kstatus (sigs.k8s.io/cli-utils, pkg/kstatus/status/generic.go): True while the instance is on its
   * way to what its spec asks; absent otherwise. GitOps tools (Flux, kubectl's status readers) read it.
   */
  public static final String RECONCILING = "Reconciling";
  /** kstatus: True when the instance cannot get where its spec asks without a change; absent otherwise. */
  public static final String STALLED = "Stalled";
  /** A run to completion succeeded, as a Job's condition. */
  public static final String COMPLETE = "Complete";
  /** A run to completion failed, as a Job's condition. */
  public static final String FAILED = "Failed";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  static final Set<String> TYPES = Set.of(READY, IMAGE_PULL_FAILED, PULL_SECRETS_FOUND, IMAGE_UP_TO_DATE,
      STORAGE_READY, SERVICE_READY, IMAGE_ROLLED_OUT, RECONCILING, STALLED, COMPLETE, FAILED);
  static final Set<String> STATUSES = Set.of(TRUE, FALSE, UNKNOWN);

  @JsonIgnore
  public boolean isTrue() {
    return TRUE.equals(status);
  }

  public ClawCondition withLastTransitionTime(String time) {
    return new ClawCondition(type, status, reason, message, time, observedGeneration);
  }

  /**
   * This condition, stamped as Kubernetes does it: with the transition time of the previous
   * condition of its type if that had the same status, else with {@code now}.
   */
  public ClawCondition transitionedSince(List<ClawCondition> previous, Instant now) {
    return previous == null ? withLastTransitionTime(format(now))
        : previous.stream()
            .filter(p -> type.equals(p.type()) && status.equals(p.status()) && p.lastTransitionTime() != null)
            .findFirst()
            .map(p -> withLastTransitionTime(p.lastTransitionTime()))
            .orElseGet(() -> withLastTransitionTime(format(now)));
  }

  /** A type, status and transition time the operator can build on (see {@link ClawInstanceStatus#usable}). */
  @JsonIgnore
  boolean isWellFormed() {
    // Set.of(...).contains(null) throws: the null checks come first
    return type != null && status != null && TYPES.contains(type) && STATUSES.contains(status);
  }

  @JsonIgnore
  boolean hasTransitionTime() {
    if (lastTransitionTime == null) {
      return false;
    }
    try {
      Instant.parse(lastTransitionTime);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** A time as conditions and statuses write it: RFC 3339, in seconds. */
  public static String format(Instant time) {
    return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
  }
}
