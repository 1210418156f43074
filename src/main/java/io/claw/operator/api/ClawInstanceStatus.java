package io.claw.operator.api;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of an instance; rebuilt from the Pod on every reconcile. Built with {@link #builder()}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClawInstanceStatus(
    @JsonPropertyDescription("Pending, Running, ImagePullFailed, Failed, Stopping, Stopped or, for a run to completion, "
        + "Succeeded.") Phase phase,
    @JsonPropertyDescription("Human-readable summary of the phase: why the instance is not running, if it is not.") String message,
    @JsonPropertyDescription("Effective image pull policy on the Pod.") PullPolicy pullPolicy,
    @JsonPropertyDescription("Where pullPolicy came from: spec, namespace (its claw.io/default-pull-policy annotation), "
        + "rule (the operator's pull-policy rules), operator-default, or built-in (IfNotPresent).") PullPolicySource pullPolicySource,
    @JsonPropertyDescription("The operator's rule that set pullPolicy, by name; absent unless pullPolicySource is rule.") String pullPolicyRule,
    @JsonPropertyDescription("Why a level the instance might expect did not set pullPolicy: an invalid namespace "
        + "annotation, or a registry that needs credentials; absent when none was passed over.") String pullPolicyNote,
    @JsonPropertyDescription("Image the Pod runs (spec.image, or the operator's default image).") String image,
    @JsonPropertyDescription("Image ID (digest) the container runs, as reported by the kubelet; absent until pulled.") String imageID,
    @JsonPropertyDescription("For an instance that resolves tags (pin or track): the tag, the digest the registry gave "
        + "for it, and when; absent otherwise.") ResolvedImage resolvedImage,
    @JsonPropertyDescription("The kubelet's reason while the image cannot be pulled (e.g. ImagePullBackOff); absent otherwise.") String pullFailureReason,
    @JsonPropertyDescription("While the image cannot be pulled: the cause, the registry, and what to change; absent otherwise.") PullFailureReport pullFailure,
    @JsonPropertyDescription("Name of the owned Pod.") String podName,
    @JsonPropertyDescription("metadata.generation of the instance this status was computed for.") Long observedGeneration,
    @JsonPropertyDescription("Ready and ImagePullFailed conditions, PullSecretsFound when pull secrets are named, and "
        + "ImageUpToDate when tags are resolved, StorageReady with spec.storage and ServiceReady with spec.service.") List<ClawCondition> conditions,
    @JsonPropertyDescription("Pods of this instance that ended in a row (evicted, or stopped for good) within 10 minutes "
        + "of their creation; each was replaced, after a back-off that doubles with this count. Absent once a Pod "
        + "has run for 10 minutes.") Integer endedPods,
    @JsonPropertyDescription("The Pod Security profile the Pod is built to, and why.") PodSecurityReport podSecurity,
    @JsonPropertyDescription("Where the instance's Service serves its first port: <name>.<namespace>.svc:<port>; "
        + "absent without spec.service or before the Service exists.") String address,
    @JsonPropertyDescription("The instance's claim as last seen; absent without spec.storage.") StorageStatus storage,
    @JsonPropertyDescription("For an instance that runs to completion: when it started and ended, how, and how many "
        + "runs failed or were disrupted.") RunStatus run) {

  public Optional<ClawCondition> condition(String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.type())).findFirst();
  }

  /**
   * The stored status as far as it can be built on. Anyone who may write the status subresource
   * can put anything there that the schema lets through; conditions of other types, without a
   * status, or repeated, are dropped, and a transition time that is no time is forgotten, so
   * that the next status is computed afresh instead of failing on them.
   */
  public static ClawInstanceStatus usable(ClawInstanceStatus stored) {
    if (stored == null) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    List<ClawCondition> usable = stored.conditions() == null ? List.of() : stored.conditions().stream()
        .filter(Objects::nonNull)
        .filter(c -> c.isWellFormed() && seen.add(c.type()))
        .map(c -> c.hasTransitionTime() ? c : c.withLastTransitionTime(null))
        .toList();
    return usable.equals(stored.conditions()) ? stored : stored.toBuilder().conditions(usable).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().phase(phase).message(message).pullPolicy(pullPolicy).pullPolicySource(pullPolicySource)
        .pullPolicyRule(pullPolicyRule).pullPolicyNote(pullPolicyNote).image(image).imageID(imageID).resolvedImage(resolvedImage)
        .pullFailureReason(pullFailureReason).pullFailure(pullFailure).podName(podName)
        .observedGeneration(observedGeneration).conditions(conditions).endedPods(endedPods).podSecurity(podSecurity)
        .address(address).storage(storage).run(run);
  }

  /** Named construction: a status has many fields of the same type. */
  public static final class Builder {
    private Phase phase;
    private String message;
    private PullPolicy pullPolicy;
    private PullPolicySource pullPolicySource;
    private String pullPolicyRule;
    private String pullPolicyNote;
    private String image;
    private String imageID;
    private ResolvedImage resolvedImage;
    private String pullFailureReason;
    private PullFailureReport pullFailure;
    private String podName;
    private Long observedGeneration;
    private List<ClawCondition> conditions;
    private Integer endedPods;
    private PodSecurityReport podSecurity;
    private String address;
    private StorageStatus storage;
    private RunStatus run;

    private Builder() {
    }

    public Builder phase(Phase value) {
      phase = value;
      return this;
    }

    public Builder message(String value) {
      message = value;
      return this;
    }

    public Builder pullPolicy(PullPolicy value) {
      pullPolicy = value;
      return this;
    }

    public Builder pullPolicySource(PullPolicySource value) {
      pullPolicySource = value;
      return this;
    }

    public Builder pullPolicyRule(String value) {
      pullPolicyRule = value;
      return this;
    }

    public Builder pullPolicyNote(String value) {
      pullPolicyNote = value;
      return this;
    }

    public Builder image(String value) {
      image = value;
      return this;
    }

    public Builder imageID(String value) {
      imageID = value;
      return this;
    }

    public Builder resolvedImage(ResolvedImage value) {
      resolvedImage = value;
      return this;
    }

    public Builder pullFailureReason(String value) {
      pullFailureReason = value;
      return this;
    }

    public Builder pullFailure(PullFailureReport value) {
      pullFailure = value;
      return this;
    }

    public Builder podName(String value) {
      podName = value;
      return this;
    }

    public Builder observedGeneration(Long value) {
      observedGeneration = value;
      return this;
    }

    public Builder conditions(List<ClawCondition> value) {
      conditions = value;
      return this;
    }

    public Builder endedPods(Integer value) {
      endedPods = value;
      return this;
    }

    public Builder podSecurity(PodSecurityReport value) {
      podSecurity = value;
      return this;
    }

    public Builder address(String value) {
      address = value;
      return this;
    }

    public Builder storage(StorageStatus value) {
      storage = value;
      return this;
    }

    public Builder run(RunStatus value) {
      run = value;
      return this;
    }

    public ClawInstanceStatus build() {
      return new ClawInstanceStatus(phase, message, pullPolicy, pullPolicySource, pullPolicyRule, pullPolicyNote,
          image, imageID, resolvedImage, pullFailureReason, pullFailure, podName, observedGeneration, conditions, endedPods, podSecurity,
          address, storage, run);
    }
  }
}
