package io.claw.operator.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.observability.ClawMetrics;
import io.claw.operator.observability.EventRecorder;
import io.claw.operator.observability.InstanceEvents;
import io.claw.operator.observability.PullFailureTransition;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.status.Observation;
import io.claw.operator.status.PodState;
import io.claw.operator.status.PullFailure;
import io.claw.operator.status.PullSecrets;
import io.claw.operator.status.StatusCalculator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * Keeps one Pod per ClawInstance in line with the instance's spec and the operator defaults,
 * and reports in the instance's status how that Pod is doing. Pod events trigger a reconcile,
 * so a kubelet status change shows up in the instance's status right away.
 */
// Not generation-aware: a status edited by someone else is put right at once. JOSDK recognises
// the events of our own status patches, so they trigger nothing (1.0 reconcile per instance in
// the benchmark).
@ControllerConfiguration(name = ClawInstanceReconciler.NAME, generationAwareEventProcessing = false,
    informer = @Informer(itemStore = WithoutManagedFields.class, informerListLimit = ClawInstanceReconciler.LIST_PAGE))
public class ClawInstanceReconciler implements Reconciler<ClawInstance> {

  public static final String NAME = "clawinstance";

  private static final Logger LOG = Logger.getLogger(ClawInstanceReconciler.class);
  /**
   * The informers list in pages of this many objects, as client-go's reflectors do: a restart over
   * 14,300 instances ran out of its 256 MiB heap reading all their Pods in one response.
   */
  static final long LIST_PAGE = 500;
  /** A foreign Pod holding our name sends us no events: look again now and then. */
  private static final Duration RECHECK = Duration.ofSeconds(30);
  /**
   * A Pod that changed between being judged and being deleted sends an event that brings the
   * next reconcile; this only covers that event being lost.
   */
  private static final Duration JUDGE_AGAIN = Duration.ofSeconds(1);

  private final ClawOperatorConfig config;
  private final ClawMetrics metrics;
  private final EventRecorder events;
  private final Clock clock = Clock.systemUTC();
  private final PullSecretCheck pullSecretCheck = new PullSecretCheck();
  private InformerEventSource<Pod, ClawInstance> pods;

  @Inject
  public ClawInstanceReconciler(ClawOperatorConfig config, ClawMetrics metrics, EventRecorder events) {
    this.config = config;
    this.metrics = metrics;
    this.events = events;
  }

  @Override
  public List<EventSource<?, ClawInstance>> prepareEventSources(EventSourceContext<ClawInstance> context) {
    var configuration = InformerEventSourceConfiguration.from(Pod.class, ClawInstance.class)
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ClawInstance.class))
        .withItemStore(new PodsAsRead())
        .withInformerListLimit(LIST_PAGE)
        .build();
    pods = new InformerEventSource<>(configuration, context);
    metrics.countInstancesByPhase(context.getPrimaryCache());
    return List.of(pods);
  }

  @Override
  public UpdateControl<ClawInstance> reconcile(ClawInstance instance, Context<ClawInstance> context) {
    var policy = EffectivePullPolicy.resolve(instance.getSpec().getPullPolicy(), config.defaultPullPolicy());
    String image = Optional.ofNullable(instance.getSpec().getImage()).or(config::defaultImage).orElse(null);

    Observation observed;
    if (image == null) {
      observed = new Observation(instance, policy, null, PodState.NO_IMAGE, null);
    } else {
      PullSecrets secrets = config.checkPullSecrets()
          ? pullSecretCheck.check(context.getClient(), instance.getMetadata().getNamespace(),
              instance.getSpec().getImagePullSecrets())
          : PullSecrets.NOT_CHECKED;
      Optional<Observation> pod = reconcilePod(instance, context, ClawPod.desired(instance, image, policy.policy()),
          policy, image, secretsAppeared(instance, secrets));
      if (pod.isEmpty()) {
        // the status stays as it was, so that the next pass sees the same reasons to replace the Pod
        return UpdateControl.<ClawInstance>noUpdate().rescheduleAfter(JUDGE_AGAIN);
      }
      observed = pod.get().withPullSecrets(secrets);
    }

    Instant now = clock.instant();
    ClawInstanceStatus status = StatusCalculator.compute(observed, now);
    if (!status.equals(instance.getStatus())) {
      // Written here rather than by JOSDK after reconcile() returns (same server-side apply, same
      // recognition of its own event), so that Events and counters follow a status that was
      // written: if the write fails, the retry finds the change still to report, and it is
      // reported once.
      context.resourceOperations().serverSideApplyPrimaryStatus(statusOnly(instance, status));
      report(instance, status, now);
    }
    UpdateControl<ClawInstance> control = UpdateControl.noUpdate();
    if (observed.podState() == PodState.NAME_CONFLICT) {
      control.rescheduleAfter(RECHECK);
    } else if (observed.pullSecrets().result() == PullSecrets.Result.MISSING) {
      control.rescheduleAfter(PullSecretCheck.recheckAfter(status, now));
    }
    return control;
  }

  /** The status said a pull secret was missing, and now every one exists. */
  private static boolean secretsAppeared(ClawInstance instance, PullSecrets now) {
    return now.result() == PullSecrets.Result.FOUND && instance.getStatus() != null
        && instance.getStatus().condition(ClawCondition.PULL_SECRETS_FOUND)
            .map(c -> ClawCondition.FALSE.equals(c.status())).orElse(false);
  }

  /**
   * What a status write needs: which instance, and its status. No spec, and no resourceVersion
   * that a concurrent write to the instance would turn into a conflict.
   */
  private static ClawInstance statusOnly(ClawInstance instance, ClawInstanceStatus status) {
    ClawInstance patch = new ClawInstance();
    patch.getMetadata().setName(instance.getMetadata().getName());
    patch.getMetadata().setNamespace(instance.getMetadata().getNamespace());
    patch.setSpec(null);
    patch.setStatus(status);
    return patch;
  }

  /** Events and metrics for a pull failure that starts or ends, once per change. */
  private void report(ClawInstance instance, ClawInstanceStatus next, Instant now) {
    PullFailureTransition transition = PullFailureTransition.between(instance.getStatus(), next);
    if (transition == PullFailureTransition.STARTED) {
      metrics.pullFailureStarted(next.pullFailureReason());
    }
    InstanceEvents.forTransition(instance, next, transition, now)
        .ifPresent(events::record);
  }

  /** What became of the Pod; empty when the Pod to replace changed under us and must be judged again. */
  private Optional<Observation> reconcilePod(ClawInstance instance, Context<ClawInstance> context, Pod desired,
      EffectivePullPolicy policy, String image, boolean secretsAppeared) {
    // By name, not getSecondaryResource(): that throws when a second Pod carries our labels and
    // an owner reference to this instance (copied by someone), and this one is the Pod we own.
    Optional<Pod> live = context.getSecondaryResources(Pod.class).stream()
        .filter(p -> p.getMetadata().getName().equals(desired.getMetadata().getName()))
        .findFirst();
    if (live.isEmpty()) {
      return Optional.of(create(instance, context, desired, policy, image));
    }
    Pod pod = live.get();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      // Its deletion event triggers the next reconcile, which creates the replacement.
      return Optional.of(new Observation(instance, policy, image, PodState.REPLACING, pod));
    }
    // Ours by label but not by owner: left over from a deleted instance of the same name.
    boolean orphaned = !isControlledBy(pod, instance);
    // The kubelet waits out its pull back-off (up to 5 minutes) before it tries the new Secret;
    // a new Pod pulls at once.
    boolean stuckWithoutSecret = secretsAppeared && PullFailure.of(pod).isPresent();
    if (orphaned || stuckWithoutSecret || ClawPod.needsRecreate(pod, desired)) {
      LOG.infof(orphaned ? "Replacing Pod %s left over from an earlier ClawInstance of that name"
          : stuckWithoutSecret ? "Recreating Pod %s: its pull secrets exist now"
          : "Recreating Pod %s: fields that a live Pod cannot change differ (pull policy %s)",
          name(desired), policy.policy());
      if (!PodDeletion.deleteJudged(context.getClient(), pod)) {
        return Optional.empty();
      }
      return Optional.of(new Observation(instance, policy, image, PodState.REPLACING, pod));
    }
    if (ClawPod.needsImageUpdate(pod, desired)) {
      LOG.infof("Updating the image of Pod %s to %s in place", name(desired), image);
      // No resourceVersion in the patch: the kubelet writes the Pod's status all the time, and a
      // lock on it would turn each of those writes into a conflict and a failed reconcile. The
      // image is ours to set whatever the status says.
      Pod unlocked = new PodBuilder(pod).editMetadata().withResourceVersion(null).endMetadata().build();
      pod = context.resourceOperations().jsonPatch(unlocked, current -> withImage(current, image));
    }
    return Optional.of(new Observation(instance, policy, image, PodState.PRESENT, pod));
  }

  private Observation create(ClawInstance instance, Context<ClawInstance> context, Pod desired,
      EffectivePullPolicy policy, String image) {
    try {
      Pod created = context.resourceOperations().create(desired, pods);
      LOG.infof("Created Pod %s with image %s, pullPolicy %s (%s)", name(desired), image, policy.policy(),
          policy.source());
      return new Observation(instance, policy, image, PodState.PRESENT, created);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      Pod existing = context.getClient().pods().inNamespace(desired.getMetadata().getNamespace())
          .withName(desired.getMetadata().getName()).get();
      if (existing != null && isControlledBy(existing, instance)) {
        // Our own Pod but not in the informer cache: the cache lags (its event will follow), or
        // someone removed the labels the informer selects on, so put them back.
        if (!Labels.hasAll(existing, desired.getMetadata().getLabels())) {
          LOG.infof("Restoring the labels of Pod %s", name(desired));
          existing = context.resourceOperations().jsonPatch(existing, current -> new PodBuilder(current)
              .editMetadata().addToLabels(desired.getMetadata().getLabels()).endMetadata().build());
        }
        return new Observation(instance, policy, image, PodState.PRESENT, existing);
      }
      LOG.warnf("Cannot create Pod %s: a Pod of that name exists and is not managed by this ClawInstance",
          name(desired));
      return new Observation(instance, policy, image, PodState.NAME_CONFLICT, null);
    }
  }

  private static Pod withImage(Pod pod, String image) {
    return new PodBuilder(pod)
        .editMetadata().addToAnnotations(Labels.APPLIED_IMAGE, image).endMetadata()
        .editSpec()
          .editMatchingContainer(c -> ClawPod.CONTAINER_NAME.equals(c.getName())).withImage(image).endContainer()
        .endSpec()
        .build();
  }

  static boolean isControlledBy(HasMetadata owned, ClawInstance owner) {
    return owned.getMetadata().getOwnerReferences().stream()
        .filter(ref -> Boolean.TRUE.equals(ref.getController()))
        .map(OwnerReference::getUid)
        .anyMatch(uid -> Objects.equals(uid, owner.getMetadata().getUid()));
  }

  /** namespace/name, for log lines. */
  private static String name(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** A failed reconcile (e.g. the API server refused the Pod) is reported, then retried with back-off. */
  @Override
  public ErrorStatusUpdateControl<ClawInstance> updateErrorStatus(ClawInstance instance,
      Context<ClawInstance> context, Exception e) {
    ClawInstanceStatus status = StatusCalculator.reconcileFailed(instance, "Reconcile failed: " + rootMessage(e),
        clock.instant());
    if (status.equals(instance.getStatus())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    return ErrorStatusUpdateControl.patchStatus(statusOnly(instance, status));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
