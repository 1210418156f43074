package io.claw.operator.status;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PodSecurityReport;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Everything the status is computed from.
 *
 * @param image the image the Pod should run; null in state NO_IMAGE
 * @param pod the live Pod in states PRESENT and REPLACING; null otherwise
 * @param storage the claim of spec.storage; null without it
 * @param service the Service of spec.service; null without it
 * @param run where a run to completion stands; null for an instance that runs for ever
 * @param rollout a new image that the Pod does not run yet, because it is pulled onto its node
 *     first; null when the Pod runs the image it is to run
 */
public record Observation(ClawInstance instance, EffectivePullPolicy pullPolicy, String image,
    PodState podState, Pod pod, PullSecrets pullSecrets, NodeFacts node, PodSecurityReport podSecurity,
    Rejection rejection, TagReport tag, StorageFacts storage, ServiceFacts service, RunReport run,
    ImageRollout rollout) {

  /** Without an image rollout under way. */
  public Observation(ClawInstance instance, EffectivePullPolicy pullPolicy, String image, PodState podState, Pod pod,
      PullSecrets pullSecrets, NodeFacts node, PodSecurityReport podSecurity, Rejection rejection, TagReport tag,
      StorageFacts storage, ServiceFacts service, RunReport run) {
    this(instance, pullPolicy, image, podState, pod, pullSecrets, node, podSecurity, rejection, tag, storage, service,
        run, null);
  }

  /** Without spec.storage and spec.service. */
  public Observation(ClawInstance instance, EffectivePullPolicy pullPolicy, String image, PodState podState, Pod pod,
      PullSecrets pullSecrets, NodeFacts node, PodSecurityReport podSecurity, Rejection rejection, TagReport tag) {
    this(instance, pullPolicy, image, podState, pod, pullSecrets, node, podSecurity, rejection, tag, null, null, null);
  }

  /** Without spec.run. */
  public Observation(ClawInstance instance, EffectivePullPolicy pullPolicy, String image, PodState podState, Pod pod,
      PullSecrets pullSecrets, NodeFacts node, PodSecurityReport podSecurity, Rejection rejection, TagReport tag,
      StorageFacts storage, ServiceFacts service) {
    this(instance, pullPolicy, image, podState, pod, pullSecrets, node, podSecurity, rejection, tag, storage, service,
        null);
  }

  /** What a test needs most: no pull secrets checked, nothing known of the node, no profile, rejection or tag. */
  public Observation(ClawInstance instance, EffectivePullPolicy pullPolicy, String image, PodState podState, Pod pod) {
    this(instance, pullPolicy, image, podState, pod, PullSecrets.NOT_CHECKED, NodeFacts.UNKNOWN, null, null, null);
  }
}
