package io.claw.operator.reconciler;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.TagResolution;
import io.claw.operator.cache.InstancesAsRead;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.observability.ClawMetrics;
import io.claw.operator.observability.EventRecorder;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.registry.RegistryCredentials;
import io.claw.operator.registry.TagResolver;
import io.claw.operator.registry.TagResolver.Resolution;
import io.claw.operator.status.ImageRollout;
import io.claw.operator.status.NodeFacts;
import io.claw.operator.status.Observation;
import io.claw.operator.status.PullFailure;
import io.claw.operator.status.PullSecrets;
import io.claw.operator.status.Rejection;
import io.claw.operator.status.ServiceFacts;
import io.claw.operator.status.StorageFacts;
import io.claw.operator.status.StatusCalculator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
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
 *
 * <p>One reconcile runs in fixed stages, each a call: observe (the caches, and the reads the
 * operator makes), plan (pure), apply (the writes to owned objects; a refusal is an outcome),
 * status (pure), write the status, report (Events and metrics), and when to look again (pure).
 */
// Not generation-aware: a status edited by someone else is put right at once. JOSDK recognises
// the events of our own status patches, so they trigger nothing.
@ControllerConfiguration(name = ClawInstanceReconciler.NAME, generationAwareEventProcessing = false,
    informer = @Informer(itemStore = InstancesAsRead.class, informerListLimit = ClawInstanceReconciler.LIST_PAGE))
public class ClawInstanceReconciler implements Reconciler<ClawInstance> {

  public static final String NAME = "clawinstance";
  private static final Logger LOG = Logger.getLogger(ClawInstanceReconciler.class);

  /**
   * The informers list in pages of this many objects, as client-go's reflectors do: a restart that
   * reads every Pod of a large cluster in one response can run out of heap (docs/benchmark.md).
   */
  static final long LIST_PAGE = 500;
  /** An instance that asks the resolver is told when its tag's digest changes, until it is forgotten. */
  private static final boolean FOLLOW_THE_TAG = true;

  private final ClawOperatorConfig config;
  private final Plan.Settings planSettings;
  private final ClawMetrics metrics;
  private final Clock clock = Clock.systemUTC();
  private final PullSecretCheck pullSecretCheck = new PullSecretCheck();
  private final NodeImages nodeImages = new NodeImages();
  private final ServedNamespaces namespaces = new ServedNamespaces();
  private final OwnedPod pods = new OwnedPod();
  private final OwnedClaim claims = new OwnedClaim();
  private final OwnedService services = new OwnedService();
  private final OwnedPuller pullers;
  private final InstanceReports reports;
  private final TagResolutionSetup tagSetup;
  private final TagResolver<ResourceID> tags;

  @Inject
  public ClawInstanceReconciler(ClawOperatorConfig config, ClawMetrics metrics, EventRecorder events) {
    this.config = config;
    this.planSettings = Plan.Settings.of(config);
    this.metrics = metrics;
    this.reports = new InstanceReports(metrics, events);
    this.tagSetup = new TagResolutionSetup(config);
    this.tags = tagSetup.resolver(clock);
    this.pullers = new OwnedPuller(config.pullAhead().active() ? config.pullAhead().toolImage().orElseThrow() : null,
        config.pullAhead().whenRefused() == ClawOperatorConfig.PullAheadSettings.WhenRefused.SWITCH, metrics);
    if (config.pullAhead().enabled() && config.pullAhead().toolImage().isEmpty()) {
      LOG.infof("Image changes of running instances do not pull first: %s is not set", ClawOperatorConfig.PULL_AHEAD_TOOL_IMAGE);
    }
  }

  @Override
  public List<EventSource<?, ClawInstance>> prepareEventSources(EventSourceContext<ClawInstance> context) {
    metrics.countInstancesByPhase(context.getPrimaryCache());
    List<EventSource<?, ClawInstance>> sources = new ArrayList<>();
    sources.add(pods.eventSource(context, LIST_PAGE));
    sources.add(claims.eventSource(context, LIST_PAGE));
    sources.add(services.eventSource(context, LIST_PAGE));
    if (pullers.enabled()) {
      sources.add(pullers.eventSource(context, LIST_PAGE));
    }
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
    Instant now = clock.instant();
    Observed observed = observe(instance, context, now);
    Plan plan = pullAhead(Plan.of(observed, planSettings, now), observed, context, now);
    StorageFacts storage = claims.apply(plan.claim(), instance, context);
    ServiceFacts service = services.apply(plan.service(), instance, context);
    OwnedPuller.Outcome ahead = pullers.enabled()
        ? pullers.apply(plan.pullAhead(), instance, observed.livePod().orElse(null), context)
        : OwnedPuller.Outcome.NONE;
    if (ahead.switchNow()) {
      plan = plan.switchingNow();
    }
    PodOutcome outcome = apply(plan, instance, context, now);
    reports.applied(instance, plan, outcome, now);
    Observation input = outcome instanceof PodOutcome.Settled settled
        ? statusInput(observed, plan, settled, storage, service, ahead.rollout()) : null;
    ClawInstanceStatus status = status(instance, plan, outcome, input, now);
    ClawInstanceStatus written = status != null && StatusWrite.needed(instance.getStatus(), status) ? status : null;
    boolean specMovedOn = written != null && writeStatus(instance, written, context);
    reports.written(instance, plan, outcome, written, now);
    UpdateControl<ClawInstance> control = UpdateControl.noUpdate();
    Requeue.after(plan, outcome, input, status, specMovedOn, ahead.lookAgain(), now).ifPresent(control::rescheduleAfter);
    return control;
  }

  /** The observe stage: the instance, the caches, and the reads it needs (pull secrets, registry, node). */
  private Observed observe(ClawInstance instance, Context<ClawInstance> context, Instant now) {
    String namespace = instance.getMetadata().getNamespace();
    String image = Optional.ofNullable(instance.getSpec().getImage()).or(config::defaultImage).orElse(null);
    ImageParts parts = image == null ? null : ImageParts.of(image);
    Optional<Pod> live = OwnedPod.cached(context, ClawPod.podName(instance));
    PullSecrets secrets = PullSecrets.NOT_CHECKED;
    TagResolution mode = TagResolution.NONE;
    boolean neverResolves = false;
    Optional<Resolution> answer = Optional.empty();
    boolean stopped = instance.getSpec().stopped();
    boolean ended = instance.getSpec().runsToCompletion()
        && RunJudgement.endedBefore(ClawInstanceStatus.usable(instance.getStatus()));
    // a stopped instance, or a run that ended, pulls nothing: no registry request and no pull secret read for it
    if (image != null && !stopped && !ended) {
      NamedSecrets namedSecrets = NamedSecrets.in(context.getClient(), namespace);
      if (config.checkPullSecrets()) {
        secrets = pullSecretCheck.check(namedSecrets, namespace, instance.getSpec().getImagePullSecrets());
      }
      mode = tagSetup.mode(instance.getSpec(), parts);
      neverResolves = !parts.pinned() && tagSetup.neverResolves(parts.registry());
      if (Observed.resolvesTag(mode, parts, neverResolves)) {
        answer = registryAnswer(instance, image, parts, mode, live, namedSecrets);
      }
    }
    return new Observed(instance, image, parts, namespaces.pullPolicyDefault(namespace), namespaces.level(namespace),
        live, secrets, mode, neverResolves, answer, stopped ? null : nodeOfFailingPod(live, context, now),
        owned(instance, context, stopped, now));
  }

  /**
   * The claim and Service as cached; for a claim that has not bound, the newest Event about it
   * (not for a stopped instance: its claim may wait for a Pod to bind, and it is to cost nothing).
   */
  private Observed.Owned owned(ClawInstance instance, Context<ClawInstance> context, boolean stopped, Instant now) {
    if (instance.getSpec().getStorage() == null && instance.getSpec().getService() == null) {
      // the Service of a removed spec.service is looked up, to be deleted
      Optional<Service> service = services.cached(instance);
      return service.isEmpty() ? Observed.Owned.NONE : new Observed.Owned(Optional.empty(), null, null, service);
    }
    Optional<PersistentVolumeClaim> claim = instance.getSpec().getStorage() == null ? Optional.empty()
        : claims.cached(instance);
    return new Observed.Owned(claim, claims.refusedSize(instance),
        stopped ? null : claims.newestEvent(context.getClient(), claim.orElse(null), now), services.cached(instance));
  }

  /**
   * The tag resolver's answer for an instance that resolves its tag, which makes it a follower of
   * the tag; none for a pin whose digest is known already (neither the registry nor the pull
   * secrets' credentials are read then).
   */
  private Optional<Resolution> registryAnswer(ClawInstance instance, String image, ImageParts parts,
      TagResolution mode, Optional<Pod> live, NamedSecrets namedSecrets) {
    ClawInstanceStatus previous = ClawInstanceStatus.usable(instance.getStatus());
    if (DigestChoice.pinnedAlready(mode, image, live, previous == null ? null : previous.resolvedImage())) {
      return Optional.empty();
    }
    List<RegistryCredentials> credentials = instance.getSpec().getImagePullSecrets().isEmpty() ? List.of()
        : TagResolutionSetup.credentials(namedSecrets, instance.getSpec().getImagePullSecrets(), parts);
    var key = new TagResolver.Key(parts, credentials.isEmpty() ? null
        : String.join(",", credentials.stream().map(RegistryCredentials::fingerprint).toList()));
    return tags.lookup(key, credentials, ResourceID.fromResource(instance), FOLLOW_THE_TAG);
  }

  /**
   * For an image-only change of a running Pod: the node's images and the puller, read only then,
   * and whether the Pod moves now or once its node holds the new image (pure: {@link PullAhead}).
   */
  private Plan pullAhead(Plan plan, Observed observed, Context<ClawInstance> context, Instant now) {
    Optional<Pod> live = plan.imageChange();
    if (live.isEmpty()) {
      return plan;
    }
    ClawInstance instance = observed.instance();
    return plan.pullingAhead(PullAhead.decide(pullers.enabled(), live.get(), plan.podImage(), plan.policy().policy(),
        instance.getSpec().getImagePullSecrets(), target -> pullers.cached(instance, target),
        (node, image) -> config.readNodeImages() ? nodeImages.read(context.getClient(), node, now).factsFor(image)
            : NodeImages.Seen.unknown(node).factsFor(image)));
  }

  /** For a live Pod that fails to pull: its node's images, to tell whether it holds the image. */
  private NodeImages.Seen nodeOfFailingPod(Optional<Pod> live, Context<ClawInstance> context, Instant now) {
    String node = live.map(Pod::getSpec).map(PodSpec::getNodeName).filter(name -> !name.isEmpty()).orElse(null);
    if (node == null || PullFailure.of(live.get()).isEmpty()) {
      return null;
    }
    return config.readNodeImages() ? nodeImages.read(context.getClient(), node, now) : NodeImages.Seen.unknown(node);
  }

  /** The apply stage: the writes to what the instance owns, each answered with an outcome. */
  private PodOutcome apply(Plan plan, ClawInstance instance, Context<ClawInstance> context, Instant now) {
    if (!plan.followTag()) {
      tags.forget(ResourceID.fromResource(instance));
    }
    if (plan.run() instanceof RunJudgement.Expired) {
      // as the TTL-after-finished controller: the instance goes, its Pod with it (garbage collector)
      LOG.infof("Deleting ClawInstance %s/%s: its run finished more than spec.run.ttlSecondsAfterFinished ago",
          instance.getMetadata().getNamespace(), instance.getMetadata().getName());
      context.getClient().resource(instance).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }
    return pods.apply(plan, instance, context, now);
  }

  /**
   * What the status is computed from, in one place: what was observed, what was planned and what
   * became of the Pod.
   */
  static Observation statusInput(Observed observed, Plan plan, PodOutcome.Settled pod, StorageFacts storage,
      ServiceFacts service, ImageRollout rollout) {
    PodDecision decision = plan.pod();
    String image = plan.podImage();
    Rejection rejection = null;
    NodeFacts node = NodeFacts.UNKNOWN;
    if (decision instanceof PodDecision.NoImage) {
      image = null;
    } else if (decision instanceof PodDecision.Stop) {
      image = observed.image(); // the image it runs once started
    } else if (decision instanceof PodDecision.AwaitDigest awaiting) {
      image = awaiting.live().flatMap(ClawPod::appContainer).map(Container::getImage).orElse(observed.image());
    } else if (decision instanceof PodDecision.Rejected rejected) {
      rejection = rejected.why();
    } else if (observed.node() != null) {
      node = observed.node().factsFor(image);
    }
    StorageFacts claim = storage == null || storage.claim() == null || observed.owned().claimEvent() == null
        ? storage : new StorageFacts(storage.claimName(), storage.claim(), false, storage.refusalReason(),
            storage.refusal(), observed.owned().claimEvent());
    return new Observation(observed.instance(), plan.policy(), image, pod.state(), pod.pod(), observed.pullSecrets(),
        node, plan.security(), rejection, plan.tag(), claim, service, plan.run() == null ? null : plan.run().report(),
        rollout);
  }

  /**
   * The status stage (pure): computed from the status input, or, for a Pod the API server refused,
   * the previous status with Ready False and the refusal. Null when there is nothing to write: the
   * Pod is judged again, or its namespace is going away.
   */
  private static ClawInstanceStatus status(ClawInstance instance, Plan plan, PodOutcome outcome, Observation input,
      Instant now) {
    if (plan.run() instanceof RunJudgement.Expired) {
      return null; // the instance is being deleted
    }
    if (input != null) {
      return StatusCalculator.compute(input, now);
    }
    if (outcome instanceof PodOutcome.Refused refused && refused.retryAfter() != null) {
      return StatusCalculator.reconcileFailed(instance,
          refused.refusal().message(plan.desired().getMetadata().getName()), now);
    }
    return null;
  }

  /**
   * Writes the status and tells whether the instance's spec changed after the one this status was
   * computed from. JOSDK caches the instance the write returns and drops events older than it, so
   * the event of a spec edit that landed just before the write would bring no reconcile. Written
   * here rather than by JOSDK after reconcile() returns (same server-side apply, same recognition
   * of its own event), so that Events and counters follow a status that was written.
   */
  private static boolean writeStatus(ClawInstance instance, ClawInstanceStatus status, Context<ClawInstance> context) {
    ClawInstance written = StatusWrite.write(instance, status, context);
    Long judged = instance.getMetadata().getGeneration();
    Long now = written == null ? null : written.getMetadata().getGeneration();
    return judged != null && now != null && now > judged;
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
