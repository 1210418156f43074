package io.claw.operator.reconciler;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.cache.PodsAsRead;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.status.PodState;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * The instance's one owned kind, the Pod: its event source, the cached Pod, and the apply stage's
 * writes that carry out a {@link PodDecision} (create, replace, patch the image), each answered
 * with a {@link PodOutcome}. The desired Pod is {@link ClawPod}'s; what to do is
 * {@link PodDecision}'s. Not JOSDK's KubernetesDependentResource: its server-side-apply matcher
 * reads the managedFields that the Pod cache strips, and most of a Pod's fields can only change
 * by replacing the Pod, with a graceful delete judged against the Pod as it was seen
 * (docs/development.md, "Owned kinds").
 */
final class OwnedPod {

  private static final Logger LOG = Logger.getLogger(OwnedPod.class);

  private final RetryBackOff refusals = new RetryBackOff();
  private InformerEventSource<Pod, ClawInstance> eventSource;

  /** Watches only the Pods the operator manages, cached as {@link PodsAsRead} keeps them. */
  InformerEventSource<Pod, ClawInstance> eventSource(EventSourceContext<ClawInstance> context, long listPage) {
    var configuration = InformerEventSourceConfiguration.from(Pod.class, ClawInstance.class)
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ClawInstance.class))
        .withItemStore(new PodsAsRead())
        .withInformerListLimit(listPage)
        .build();
    eventSource = new InformerEventSource<>(configuration, context);
    return eventSource;
  }

  /** By name, not getSecondaryResource(): that throws when a second Pod carries our labels and
   * an owner reference to this instance (copied by someone), and this one is the Pod we own. */
  static Optional<Pod> cached(Context<ClawInstance> context, String name) {
    return context.getSecondaryResources(Pod.class).stream()
        .filter(p -> p.getMetadata().getName().equals(name))
        .findFirst();
  }

  /** Carries the plan's decision out; a refusal by the API server is an outcome, other errors are thrown. */
  PodOutcome apply(Plan plan, ClawInstance instance, Context<ClawInstance> context, Instant now) {
    PodOutcome outcome;
    try {
      outcome = write(plan, instance, context);
    } catch (KubernetesClientException e) {
      Refusal refusal = Refusal.of(e).orElseThrow(() -> e); // transient (connection, 429, 5xx): JOSDK retries
      if (refusal.namespaceGone()) {
        LOG.debugf("Not creating Pod %s: %s", name(plan.desired()), refusal.answer());
        refusals.forget(uid(instance));
        return new PodOutcome.Refused(refusal, null);
      }
      return new PodOutcome.Refused(refusal, refusals.next(uid(instance), now));
    }
    if (outcome instanceof PodOutcome.Settled) {
      refusals.forget(uid(instance));
    }
    return outcome;
  }

  private PodOutcome write(Plan plan, ClawInstance instance, Context<ClawInstance> context) {
    PodDecision decision = plan.pod();
    Pod desired = plan.desired();
    // Java 17: no pattern matching in switch yet
    if (decision instanceof PodDecision.NoImage) {
      return new PodOutcome.Settled(PodState.NO_IMAGE, null);
    }
    if (decision instanceof PodDecision.AwaitDigest awaiting) {
      return awaiting.live().<PodOutcome>map(live -> new PodOutcome.Settled(PodState.PRESENT, live))
          .orElseGet(() -> new PodOutcome.Settled(PodState.AWAITING_DIGEST, null));
    }
    if (decision instanceof PodDecision.Rejected rejected) {
      return new PodOutcome.Settled(PodState.REJECTED, rejected.live().orElse(null));
    }
    if (decision instanceof PodDecision.Stop stop) {
      if (stop.live().isEmpty()) {
        return new PodOutcome.Settled(PodState.STOPPED, null);
      }
      Pod live = stop.live().get();
      if (live.getMetadata().getDeletionTimestamp() != null) {
        return new PodOutcome.Settled(PodState.STOPPING, live);
      }
      LOG.infof("Stopping Pod %s: spec.stopped is true", name(live));
      return deleteJudged(context.getClient(), live, stop.gracePeriodSeconds())
          ? new PodOutcome.Settled(PodState.STOPPING, live)
          : new PodOutcome.JudgeAgain();
    }
    if (decision instanceof PodDecision.Halt halt) {
      Optional<Pod> stop = halt.stop().filter(p -> p.getMetadata().getDeletionTimestamp() == null);
      if (stop.isEmpty()) {
        return new PodOutcome.Settled(PodState.FINISHED, halt.live().orElse(null));
      }
      LOG.infof("Stopping Pod %s: its run ended", name(stop.get()));
      return deleteJudged(context.getClient(), stop.get(), halt.gracePeriodSeconds())
          ? new PodOutcome.Settled(PodState.FINISHED, stop.get())
          : new PodOutcome.JudgeAgain();
    }
    if (decision instanceof PodDecision.Create) {
      return create(instance, context, desired, plan);
    }
    if (decision instanceof PodDecision.AwaitDeletion awaiting) {
      return new PodOutcome.Settled(PodState.REPLACING, awaiting.pod());
    }
    if (decision instanceof PodDecision.BackOff backOff) {
      return new PodOutcome.Settled(PodState.ENDED_BACKING_OFF, backOff.pod());
    }
    if (decision instanceof PodDecision.Replace replace) {
      LOG.infof(switch (replace.why()) {
        case ORPHANED -> "Replacing Pod %s left over from an earlier ClawInstance of that name";
        case ENDED -> "Replacing Pod %s, " + replace.ending().description().replace("%", "%%");
        case SECRETS_APPEARED -> "Recreating Pod %s: its pull secrets exist now";
        case SPEC_CHANGED -> "Recreating Pod %s: fields that a live Pod cannot change differ (pull policy "
            + plan.policy().policy() + ")";
        case RUN_AGAIN -> "Running again in a new Pod: Pod %s " + replace.ending().description().replace("%", "%%");
      }, name(desired));
      return deleteJudged(context.getClient(), replace.pod(), replace.gracePeriodSeconds())
          ? new PodOutcome.Settled(PodState.REPLACING, replace.pod())
          : new PodOutcome.JudgeAgain();
    }
    if (decision instanceof PodDecision.PatchImage patch) {
      LOG.infof("Updating the image of Pod %s to %s in place", name(desired), plan.podImage());
      // No resourceVersion in the patch: the kubelet writes the Pod's status all the time, and a
      // lock on it would turn each of those writes into a conflict and a failed reconcile. The
      // image is ours to set whatever the status says.
      Pod unlocked = new PodBuilder(patch.pod()).editMetadata().withResourceVersion(null).endMetadata().build();
      String resolvedFrom = desired.getMetadata().getAnnotations().get(Labels.RESOLVED_FROM);
      // this event source named, as jsonPatch() does not: the pullers' is another of Pods, and the
      // patched Pod is not theirs to cache
      Pod patched = context.resourceOperations().resourcePatch(unlocked, pod -> context.getClient().resource(pod)
          .edit(current -> withImage(current, plan.podImage(), resolvedFrom)), eventSource);
      return new PodOutcome.Settled(PodState.PRESENT, patched);
    }
    return new PodOutcome.Settled(PodState.PRESENT, ((PodDecision.Keep) decision).pod());
  }

  private PodOutcome create(ClawInstance instance, Context<ClawInstance> context, Pod desired, Plan plan) {
    Integer endedPods = instance.getStatus() == null ? null : instance.getStatus().endedPods();
    Pod toCreate = endedPods == null || endedPods <= 0 ? desired : new PodBuilder(desired)
        .editMetadata().addToAnnotations(Labels.ENDED_PODS, String.valueOf(endedPods)).endMetadata().build();
    if (plan.run() instanceof RunJudgement.Running running) {
      // the counts so far go with the Pod, so that its end is counted once however often it is judged
      toCreate = new PodBuilder(toCreate).editMetadata()
          .addToAnnotations(Labels.FAILED_RUNS, String.valueOf(running.status().failed()))
          .addToAnnotations(Labels.DISRUPTED_RUNS, String.valueOf(running.status().disrupted()))
          .endMetadata().build();
    }
    try {
      // JOSDK's create, with the POST of DirectWrites
      Pod created = context.resourceOperations().resourcePatch(toCreate,
          pod -> DirectWrites.createPod(context.getClient(), pod), eventSource);
      EffectivePullPolicy policy = plan.policy();
      LOG.infof("Created Pod %s with image %s, pullPolicy %s (%s%s)", name(desired), plan.podImage(), policy.policy(),
          policy.source(), policy.rule() == null ? "" : " " + policy.rule());
      return new PodOutcome.Settled(PodState.PRESENT, created);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      Pod existing = context.getClient().pods().inNamespace(desired.getMetadata().getNamespace())
          .withName(desired.getMetadata().getName()).get();
      PodDecision.AfterConflict found = PodDecision.afterConflict(instance, existing, desired);
      if (found instanceof PodDecision.Adopt adopt) {
        return new PodOutcome.Settled(PodState.PRESENT, adopt.pod());
      }
      if (found instanceof PodDecision.RestoreLabels restore) {
        LOG.infof("Restoring the labels of Pod %s", name(desired));
        Pod restored = context.resourceOperations().resourcePatch(restore.pod(), pod -> context.getClient()
            .resource(pod).edit(current -> new PodBuilder(current).editMetadata()
                .addToLabels(desired.getMetadata().getLabels()).endMetadata().build()), eventSource);
        return new PodOutcome.Settled(PodState.PRESENT, restored);
      }
      LOG.warnf("Cannot create Pod %s: a Pod of that name exists and is not managed by this ClawInstance",
          name(desired));
      return new PodOutcome.Settled(PodState.NAME_CONFLICT, null);
    }
  }

  private static Pod withImage(Pod pod, String image, String resolvedFrom) {
    var annotations = new java.util.LinkedHashMap<>(pod.getMetadata().getAnnotations());
    annotations.put(Labels.APPLIED_IMAGE, image);
    if (resolvedFrom == null) {
      annotations.remove(Labels.RESOLVED_FROM);
    } else {
      annotations.put(Labels.RESOLVED_FROM, resolvedFrom);
    }
    return new PodBuilder(pod)
        .editMetadata().withAnnotations(annotations).endMetadata()
        .editSpec()
          .editMatchingContainer(c -> ClawPod.appContainerName(pod).equals(c.getName())).withImage(image).endContainer()
        .endSpec()
        .build();
  }

  private static String uid(ClawInstance instance) {
    return instance.getMetadata().getUid();
  }

  /**
   * Deletes exactly the Pod that was judged stale, in the state it was judged in: the delete
   * carries the judged Pod's uid and resourceVersion as preconditions. If the Pod changed in
   * between (the kubelet wrote its status, or a newer Pod of the same name replaced it), the API
   * server refuses with 409 and nothing is deleted; the change's own event brings the next
   * reconcile, which judges the Pod again.
   *
   * <p>A plain HTTP DELETE: fabric8's delete can carry a resourceVersion precondition but not a uid
   * one, and not together with a grace period.
   *
   * @param gracePeriodSeconds 0 for a Pod in which no app runs or can run (see {@link PodDecision});
   *     null for the Pod's own grace period
   * @return false when the Pod had changed since it was judged, and so was left in place
   */
  static boolean deleteJudged(KubernetesClient client, Pod judged, Long gracePeriodSeconds) {
    String namespace = judged.getMetadata().getNamespace();
    String name = judged.getMetadata().getName();
    DeleteOptions options = new DeleteOptionsBuilder()
        .withNewPreconditions()
            .withUid(judged.getMetadata().getUid())
            .withResourceVersion(judged.getMetadata().getResourceVersion())
        .endPreconditions()
        .withGracePeriodSeconds(gracePeriodSeconds)
        .build();
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
        .uri(DirectWrites.podsUrl(client, namespace) + "/" + name)
        .delete("application/json", client.getKubernetesSerialization().asJson(options))
        .build();
    HttpResponse<byte[]> response = DirectWrites.answer(client, request);
    switch (response.code()) {
      case 200, 202, 404:
        return true; // deleted, deletion under way, or gone already
      case 409:
        LOG.debugf("Pod %s/%s changed since it was judged stale (resourceVersion %s); judging it again", namespace,
            name, judged.getMetadata().getResourceVersion());
        return false;
      default:
        throw new KubernetesClientException("Deleting Pod " + namespace + "/" + name + " failed: HTTP "
            + response.code() + " " + new String(response.body(), StandardCharsets.UTF_8), response.code(), null);
    }
  }

  /** namespace/name, for log lines. */
  static String name(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
