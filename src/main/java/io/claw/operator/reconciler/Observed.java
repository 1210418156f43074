package io.claw.operator.reconciler;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.TagResolution;
import io.claw.operator.registry.TagResolver.Resolution;
import io.claw.operator.status.PullSecrets;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What one reconcile knows before it decides anything: the instance, what the informer caches hold
 * for it, and the few reads the operator makes (its pull secrets, the registry's answer for its
 * tag, the node of a Pod that fails to pull). Everything after the observe stage is decided from
 * this alone.
 *
 * @param image spec.image, else the operator's default image; null when neither is set
 * @param parts the image taken apart; null without an image
 * @param namespacePullPolicy the namespace's claw.io/default-pull-policy as written; null when unset or not read
 * @param namespaceLevel what the operator knows of the namespace's enforced Pod Security level
 * @param livePod the cached Pod of the instance's name
 * @param pullSecrets what the lookup of the named pull secrets found
 * @param tagResolution the tag resolution mode that applies (none, pin, track)
 * @param neverResolves whether the image's registry is on the operator's never-resolve list
 * @param registryAnswer the tag resolver's answer; empty when the registry was not asked
 * @param node the node of a live Pod that fails to pull, as last read; null otherwise
 * @param owned the instance's claim and Service as cached, and what is known of the claim besides
 */
record Observed(ClawInstance instance, String image, ImageParts parts, String namespacePullPolicy,
    PodSecurityChoice.NamespaceLevel namespaceLevel, Optional<Pod> livePod, PullSecrets pullSecrets,
    TagResolution tagResolution, boolean neverResolves, Optional<Resolution> registryAnswer, NodeImages.Seen node,
    Owned owned) {

  /**
   * The instance's other owned objects as cached.
   *
   * @param refusedClaimSize a size the API server refused to grow the claim to; null if none
   * @param claimEvent the newest Event about a claim that has not bound; null otherwise
   */
  record Owned(Optional<PersistentVolumeClaim> claim, String refusedClaimSize, Event claimEvent,
      Optional<Service> service) {

    static final Owned NONE = new Owned(Optional.empty(), null, null, Optional.empty());
  }

  /** The stored status as far as it can be built on. */
  ClawInstanceStatus previousStatus() {
    return ClawInstanceStatus.usable(instance.getStatus());
  }

  /** Whether the registry is to be asked which digest the tag names: a tag, a mode that resolves, a registry that may be asked. */
  boolean resolvesTag() {
    return image != null && resolvesTag(tagResolution, parts, neverResolves);
  }

  /** The same question while observing, before there is an Observed to ask. */
  static boolean resolvesTag(TagResolution mode, ImageParts parts, boolean neverResolves) {
    return mode != TagResolution.NONE && !parts.pinned() && !neverResolves;
  }
}
