package io.claw.operator.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PodSecurityReport;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.ResolvedImage;
import io.claw.operator.api.TagResolution;
import io.claw.operator.cache.InstancesAsRead;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.observability.ClawMetrics;
import io.claw.operator.observability.EventRecorder;
import io.claw.operator.observability.InstanceEvents;
import io.claw.operator.observability.PullFailureTransition;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.pod.RestrictedProfile;
import io.claw.operator.pod.SpecProblems;
import io.claw.operator.registry.RegistryCredentials;
import io.claw.operator.registry.TagResolver;
import io.claw.operator.registry.TagResolver.Resolution;
import io.claw.operator.status.PodEnding;
import io.claw.operator.status.PullFailure;
import io.claw.operator.status.PullFailure.NodeFacts;
import io.claw.operator.status.StatusCalculator;
import io.claw.operator.status.StatusCalculator.Observation;
import io.claw.operator.status.StatusCalculator.PodState;
import io.claw.operator.status.StatusCalculator.PullSecrets;
import io.claw.operator.status.StatusCalculator.Rejection;
import io.claw.operator.status.StatusCalculator.TagReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;

/**
 * Keeps one Pod per ClawInstance in line with the instance's spec and the operator defaults,
 * and reports in the instance's status how that Pod is doing. Pod events trigger a reconcile,
 * so a kubelet status change shows up in the instance's status right away.
 */
// Not generation-aware: a status edited by someone else is put right at once. JOSDK recognises
// the events of our own status patches, so they trigger nothing (1.0 reconcile per instance in
// the benchmark).
@ControllerConfiguration(name = ClawInstanceReconciler.NAME, generationAwareEventProcessing = false,
    informer = @Informer(itemStore = InstancesAsRead.class, informerListLimit = ClawInstanceReconciler.LIST_PAGE))
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
  /** The spec changed while the last one was being reconciled: the new one is reconciled next. */
  private static final Duration SPEC_MOVED_ON = Duration.ofMillis(10);

  private final ClawOperatorConfig config;
  private final ClawMetrics metrics;
  private final EventRecorder events;
  private final Clock clock = Clock.systemUTC();
  private final PullSecretCheck pullSecretCheck = new PullSecretCheck();
  private final RetryBackOff refusals = new RetryBackOff();
  private final NodeImages nodeImages = new NodeImages();
  private final NamespaceLevels namespaces = new NamespaceLevels();
  private final PodDependent pods;
  private final TagResolutionSetup tagSetup;
  private final TagResolver<ResourceID> tags;

  @Inject
  public ClawInstanceReconciler(ClawOperatorConfig config, ClawMetrics metrics, EventRecorder events) {
    this.config = config;
    this.metrics = metrics;
    this.events = events;
    this.pods = new PodDependent(metrics, events, clock);
    this.tagSetup = new TagResolutionSetup(config);
    this.tags = tagSetup.resolver(clock);
  }

  @Override
  public List<EventSource<?, ClawInstance>> prepareEventSources(EventSourceContext<ClawInstance> context) {
    metrics.countInstancesByPhase(context.getPrimaryCache());
    List<EventSource<?, ClawInstance>> sources = new ArrayList<>();
    sources.add(pods.eventSource(context, LIST_PAGE));
    if (config.readNamespaces()) {
      sources.addAll(namespaces.eventSources(context));
    }
    SimpleInboundEventSource<ClawInstance> tagAnswers = new SimpleInboundEventSource<>("tag-resolution");
    tags.listen(ids -> ids.forEach(tagAnswers::propagateEvent), id -> context.getPrimaryCache().get(id).isPresent(),
        metrics::registryRequest);
    sources.add(tagAnswers);
    return sources;
  }

  @Override
  public UpdateControl<ClawInstance> reconcile(ClawInstance instance, Context<ClawInstance> context) {
    String image = Optional.ofNullable(instance.getSpec().getImage()).or(config::defaultImage).orElse(null);
    Instant now = clock.instant();
    String namespace = instance.getMetadata().getNamespace();
    ImageParts parts = image == null ? null : ImageParts.of(image);
    var policy = EffectivePullPolicy.resolve(new EffectivePullPolicy.Inputs(instance.getSpec().getPullPolicy(),
        namespace, namespaces.pullPolicyDefault(namespace), parts,
        config.pullPolicyRules(), config.defaultPullPolicy(), config.specOverridesCredentialsRequired()));
    PodSecurityReport security = PodSecurityChoice.choose(config.podSecurity(), namespace, namespaces.level(namespace));

    Observation observed;
    Optional<Duration> backOff = Optional.empty();
    if (image == null) {
      tags.forget(ResourceID.fromResource(instance));
      observed = new Observation(instance, policy, null, PodState.NO_IMAGE, null).withPodSecurity(security);
    } else {
      NamedSecrets namedSecrets = NamedSecrets.in(context.getClient(), namespace);
      PullSecrets secrets = config.checkPullSecrets()
          ? pullSecretCheck.check(namedSecrets, namespace, instance.getSpec().getImagePullSecrets())
          : PullSecrets.NOT_CHECKED;
      TagResolution mode = tagSetup.mode(instance.getSpec(), parts);
      Optional<ImagePin> pin = pin(instance, image, parts, mode, namedSecrets, context, now);
      TagReport tagReport = pin.map(ImagePin::report).orElseGet(() -> notResolved(image, parts, mode));
      String podImage = pin.isPresent() ? pin.get().image() : image;
      if (podImage == null) {
        // the tag is to be resolved and no digest is known yet: a live Pod stays as it is, none is created
        Optional<Pod> live = PodDependent.cached(context, ClawPod.podName(instance));
        Observation waiting = live
            .map(p -> new Observation(instance, policy, p.getSpec().getContainers().get(0).getImage(),
                PodState.PRESENT, p))
            .orElseGet(() -> new Observation(instance, policy, image, PodState.AWAITING_DIGEST, null));
        return finish(instance, context, waiting.withTag(tagReport).withPullSecrets(secrets).withPodSecurity(security),
            Optional.empty(), now);
      }
      Pod desired = ClawPod.desired(instance, podImage, policy.policy(), security.profile());
      if (pin.isPresent()) {
        desired.getMetadata().getAnnotations().put(Labels.RESOLVED_FROM, image);
      }
      Optional<Rejection> rejection = rejection(instance, desired, security);
      if (rejection.isPresent()) {
        Pod live = PodDependent.cached(context, desired).orElse(null);
        return finish(instance, context, new Observation(instance, policy, podImage, PodState.PRESENT, null)
            .withPodSecurity(security).withPullSecrets(secrets).withTag(tagReport).rejected(rejection.get(), live),
            Optional.empty(), now);
      }
      PodDecision decision = PodDecision.decide(instance, PodDependent.cached(context, desired), desired,
          secretsAppeared(instance, secrets), now);
      Optional<Observation> pod;
      try {
        pod = pods.carryOut(decision, instance, context, desired, policy, podImage);
      } catch (KubernetesClientException e) {
        Optional<Refusal> refusal = Refusal.of(e);
        if (refusal.isEmpty()) {
          throw e; // transient (connection, 429, 5xx): JOSDK retries with its back-off
        }
        return refused(instance, context, desired, refusal.get(), now);
      }
      if (pod.isEmpty()) {
        // the status stays as it was, so that the next pass sees the same reasons to replace the Pod
        return UpdateControl.<ClawInstance>noUpdate().rescheduleAfter(JUDGE_AGAIN);
      }
      if (pin.isPresent() && decision instanceof PodDecision.PatchImage moved) {
        events.record(InstanceEvents.normal(instance, Reasons.IMAGE_DIGEST_MOVED, image + " moved to "
            + pin.get().report().resolved().digest() + "; the Pod's container is restarted with it (was "
            + moved.pod().getSpec().getContainers().get(0).getImage() + ")", now));
      }
      observed = withNodeFacts(pod.get().withPullSecrets(secrets).withPodSecurity(security).withTag(tagReport),
          context, now);
      if (decision instanceof PodDecision.BackOff waiting) {
        backOff = Optional.of(waiting.remaining());
      }
    }
    return finish(instance, context, observed, backOff, now);
  }

  /**
   * For an instance whose image is to be resolved (pin or track, a tag, a registry the operator may
   * ask): which digest it runs. Empty for one that runs its image as given.
   */
  private Optional<ImagePin> pin(ClawInstance instance, String image, ImageParts parts, TagResolution mode,
      NamedSecrets namedSecrets, Context<ClawInstance> context, Instant now) {
    ResourceID id = ResourceID.fromResource(instance);
    if (mode == TagResolution.NONE || parts.pinned() || tagSetup.neverResolves(parts.registry())) {
      tags.forget(id);
      return Optional.empty();
    }
    ClawInstanceStatus previous = ClawInstanceStatus.usable(instance.getStatus());
    ResolvedImage resolved = previous == null ? null : previous.resolvedImage();
    Optional<Pod> live = PodDependent.cached(context, ClawPod.podName(instance));
    Optional<Resolution> answer = Optional.empty();
    if (!ImagePin.pinnedAlready(mode, image, live, resolved)) {
      Optional<RegistryCredentials> credentials = instance.getSpec().getImagePullSecrets().isEmpty() ? Optional.empty()
          : TagResolutionSetup.credentials(namedSecrets, instance.getSpec().getImagePullSecrets(), parts.registry());
      var key = new TagResolver.Key(parts, credentials.map(RegistryCredentials::fingerprint).orElse(null));
      answer = tags.lookup(key, credentials, id, true);
    }
    ImagePin pin = ImagePin.decide(mode, image, parts, live, answer, resolved,
        previous == null ? null : previous.condition(ClawCondition.IMAGE_UP_TO_DATE).orElse(null), now);
    if (!pin.follow()) {
      tags.forget(id);
    }
    return Optional.of(pin);
  }

  /** The ImageUpToDate report of an instance that asks for resolution on a registry never asked; else none. */
  private TagReport notResolved(String image, ImageParts parts, TagResolution mode) {
    boolean asked = mode != TagResolution.NONE && !parts.pinned();
    return asked && tagSetup.neverResolves(parts.registry()) ? ImagePin.notResolved(image, parts.registry()) : null;
  }

  /** Writes the status computed from what was observed, and says when to look again. */
  private UpdateControl<ClawInstance> finish(ClawInstance instance, Context<ClawInstance> context, Observation observed,
      Optional<Duration> backOff, Instant now) {
    refusals.forget(uid(instance));
    ClawInstanceStatus status = StatusCalculator.compute(observed, now);
    if (StatusWrite.needed(instance.getStatus(), status)) {
      // Written here rather than by JOSDK after reconcile() returns (same server-side apply, same
      // recognition of its own event), so that Events and counters follow a status that was
      // written: if the write fails, the retry finds the change still to report, and it is
      // reported once.
      boolean specMovedOn = writeStatus(instance, status, context);
      report(instance, status, observed.pullPolicy().notice(), now);
      if (specMovedOn) {
        return UpdateControl.<ClawInstance>noUpdate().rescheduleAfter(SPEC_MOVED_ON);
      }
    }
    UpdateControl<ClawInstance> control = UpdateControl.noUpdate();
    Stream.of(backOff,
            Optional.of(RECHECK).filter(d -> observed.podState() == PodState.NAME_CONFLICT),
            Optional.of(observed.pullSecrets().result() == PullSecrets.Result.MISSING)
                .filter(Boolean::booleanValue).map(missing -> PullSecretCheck.recheckAfter(status, now)),
            // a young Pod's count of ended Pods leaves the status once it has run long enough
            Optional.ofNullable(observed.pod()).flatMap(PodEnding::countExpires)
                .map(at -> Duration.between(now, at).plusSeconds(1)))
        .flatMap(Optional::stream)
        .min(Comparator.naturalOrder())
        .ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * Why the desired Pod is not to be created: a spec that cannot make a valid Pod, or a Pod that
   * fails the restricted standard where it applies (a namespace enforcing it refuses such a Pod).
   */
  private static Optional<Rejection> rejection(ClawInstance instance, Pod desired, PodSecurityReport security) {
    List<String> problems = SpecProblems.of(instance.getSpec());
    if (!problems.isEmpty()) {
      return Optional.of(new Rejection(Reasons.INVALID_SPEC, "The spec cannot be built into a Pod: "
          + String.join("; ", problems)));
    }
    if (security.profile() != PodSecurityProfile.RESTRICTED) {
      return Optional.empty();
    }
    List<RestrictedProfile.Violation> violations = RestrictedProfile.violations(desired.getSpec());
    return violations.isEmpty() ? Optional.empty() : Optional.of(new Rejection(Reasons.POD_SECURITY_VIOLATION,
        "The Pod would fail the restricted Pod Security Standard (" + security.reason() + "): "
            + violations.stream().map(RestrictedProfile.Violation::toString).collect(Collectors.joining("; "))
            + ". Change those fields, or run the instance where the restricted profile does not apply"));
  }

  /** For a Pod that fails to pull: whether its node holds the image. */
  private Observation withNodeFacts(Observation observed, Context<ClawInstance> context, Instant now) {
    Pod pod = observed.pod();
    String node = pod == null || pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (node == null || node.isEmpty() || PullFailure.of(pod).isEmpty()) {
      return observed;
    }
    return observed.withNode(config.readNodeImages()
        ? nodeImages.facts(context.getClient(), node, observed.image(), now)
        : new NodeFacts(node, null, null));
  }

  /** The status said a pull secret was missing, and now every one exists. */
  private static boolean secretsAppeared(ClawInstance instance, PullSecrets now) {
    return now.result() == PullSecrets.Result.FOUND && instance.getStatus() != null
        && instance.getStatus().condition(ClawCondition.PULL_SECRETS_FOUND)
            .map(c -> ClawCondition.FALSE.equals(c.status())).orElse(false);
  }

  /**
   * Writes the status and tells whether the instance's spec changed after the one this status was
   * computed from. JOSDK caches the instance the write returns and drops events older than it, so
   * the event of a spec edit that landed just before the write would bring no reconcile.
   */
  private static boolean writeStatus(ClawInstance instance, ClawInstanceStatus status, Context<ClawInstance> context) {
    ClawInstance written = StatusWrite.write(instance, status, context);
    Long judged = instance.getMetadata().getGeneration();
    Long now = written == null ? null : written.getMetadata().getGeneration();
    return judged != null && now != null && now > judged;
  }

  /** Events and metrics for a pull failure that starts or ends, and for a pull-policy notice, once per change. */
  private void report(ClawInstance instance, ClawInstanceStatus next, EffectivePullPolicy.Notice notice, Instant now) {
    PullFailureTransition transition = PullFailureTransition.between(instance.getStatus(), next);
    if (transition == PullFailureTransition.STARTED || transition == PullFailureTransition.CAUSE_CHANGED) {
      metrics.pullFailureStarted(next.pullFailureReason(), next.pullFailure() == null ? null : next.pullFailure().cause());
    }
    InstanceEvents.forTransition(instance, next, transition, now)
        .ifPresent(events::record);
    InstanceEvents.forNotice(instance, notice, now).ifPresent(events::record);
  }

  /**
   * The API server refused the Pod. A namespace on its way out takes the instance with it: nothing
   * to say or retry. Any other refusal lasts until someone changes a rule (quota, admission, RBAC),
   * so it is said once per change of the answer (status, Event, one log line) and tried again with
   * a back-off capped at {@link RetryBackOff#CAP}, never given up.
   */
  private UpdateControl<ClawInstance> refused(ClawInstance instance, Context<ClawInstance> context, Pod desired,
      Refusal refusal, Instant now) {
    if (refusal.namespaceGone()) {
      LOG.debugf("Not creating Pod %s: %s", PodDependent.name(desired), refusal.answer());
      refusals.forget(uid(instance));
      return UpdateControl.noUpdate();
    }
    String message = "The API server refused Pod " + desired.getMetadata().getName() + ": " + refusal.answer()
        + refusal.hint().map(hint -> ". " + hint).orElse("");
    ClawInstanceStatus status = StatusCalculator.reconcileFailed(instance, message, now);
    if (StatusWrite.needed(instance.getStatus(), status)) {
      writeStatus(instance, status, context);
      LOG.warnf("ClawInstance %s/%s: %s (HTTP %d); trying again with a back-off of at most %d s",
          instance.getMetadata().getNamespace(), instance.getMetadata().getName(), message, refusal.code(),
          RetryBackOff.CAP.toSeconds());
      events.record(InstanceEvents.warning(instance, Reasons.POD_REFUSED, message, now));
    }
    return UpdateControl.<ClawInstance>noUpdate().rescheduleAfter(refusals.next(uid(instance), now));
  }

  private static String uid(ClawInstance instance) {
    return instance.getMetadata().getUid();
  }

  /** A failed reconcile (e.g. the API server refused the Pod) is reported, then retried with back-off. */
  @Override
  public ErrorStatusUpdateControl<ClawInstance> updateErrorStatus(ClawInstance instance,
      Context<ClawInstance> context, Exception e) {
    ClawInstanceStatus status = StatusCalculator.reconcileFailed(instance, "Reconcile failed: " + rootMessage(e),
        clock.instant());
    if (!StatusWrite.needed(instance.getStatus(), status)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    return ErrorStatusUpdateControl.patchStatus(StatusWrite.statusOnly(instance, status));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
