package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.observability.ClawMetrics;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.PullerPod;
import io.claw.operator.status.ImageRollout;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * The pullers ({@link PullerPod}) as an owned kind: their event source, the cached puller of a
 * target, and the apply stage's writes that carry out a {@link PullAhead}: create a puller, delete
 * one that did its work or that nobody waits for any more. Instances that wait for one puller are
 * remembered here, so that its events reach every one of them, and so that it goes when the last
 * stops waiting; the first to ask owns it, so that it goes with that instance too.
 */
final class OwnedPuller {

  private static final Logger LOG = Logger.getLogger(OwnedPuller.class);
  static final String EVENT_SOURCE = "pullers";

  private final String toolImage;
  private final boolean switchWhenRefused;
  private final ClawMetrics metrics;
  /** puller (namespace/name) -> the instances that wait for it. */
  private final Map<ResourceID, Set<ResourceID>> waiters = new ConcurrentHashMap<>();
  /** instance -> the puller it waits for. */
  private final Map<ResourceID, ResourceID> waitingFor = new ConcurrentHashMap<>();
  private InformerEventSource<Pod, ClawInstance> eventSource;

  /** @param toolImage the image whose program the pullers run; null turns pull first off */
  OwnedPuller(String toolImage, boolean switchWhenRefused, ClawMetrics metrics) {
    this.toolImage = toolImage;
    this.switchWhenRefused = switchWhenRefused;
    this.metrics = metrics;
  }

  boolean enabled() {
    return toolImage != null;
  }

  InformerEventSource<Pod, ClawInstance> eventSource(EventSourceContext<ClawInstance> context, long listPage) {
    var byOwner = Mappers.<Pod>fromOwnerReferences(ClawInstance.class);
    var configuration = InformerEventSourceConfiguration.from(Pod.class, ClawInstance.class)
        .withName(EVENT_SOURCE)
        .withLabelSelector(PullerPod.SELECTOR)
        .withSecondaryToPrimaryMapper(puller -> {
          Set<ResourceID> instances = new HashSet<>(byOwner.toPrimaryResourceIDs(puller));
          instances.addAll(waiters.getOrDefault(ResourceID.fromResource(puller), Set.of()));
          return instances;
        })
        .withInformerListLimit(listPage)
        .build();
    eventSource = new InformerEventSource<>(configuration, context);
    return eventSource;
  }

  /** The puller of the target, as cached. */
  Optional<Pod> cached(ClawInstance instance, PullerPod.Target target) {
    return eventSource == null ? Optional.empty()
        : eventSource.get(new ResourceID(target.podName(), instance.getMetadata().getNamespace()));
  }

  /**
   * What became of the pull ahead: the rollout the status reports while the Pod stays on its old
   * image (null when it moves now), and whether the Pod is to move now although the puller was
   * refused ({@code claw.operator.pull-ahead.when-refused=switch}).
   */
  record Outcome(ImageRollout rollout, boolean switchNow, boolean lookAgain) {
    static final Outcome NONE = new Outcome(null, false, false);

    Outcome(ImageRollout rollout, boolean switchNow) {
      this(rollout, switchNow, false);
    }
  }

  /**
   * Whether the puller changed (or went) after the instance was judged from it. Its event names the
   * instances that wait for it when the event is handled, so an event handled between the judgement
   * and the instance's joining the waiters names it not: the instance is to be judged again at once.
   *
   * @param judged the puller as the judgement saw it; null when it saw none
   */
  static boolean changedSinceJudged(Pod judged, Optional<Pod> now) {
    if (judged == null) {
      return now.isPresent();
    }
    return now.isEmpty() || !Objects.equals(judged.getMetadata().getResourceVersion(),
        now.get().getMetadata().getResourceVersion());
  }

  /** Carries the decision out; a refusal by the API server is an outcome, other errors are thrown. */
  Outcome apply(PullAhead ahead, ClawInstance instance, Pod live, Context<ClawInstance> context) {
    ResourceID id = ResourceID.fromResource(instance);
    if (ahead instanceof PullAhead.Switch done && done.puller() != null) {
      // after a restart the operator does not know who waited: this instance did, at least
      ResourceID puller = ResourceID.fromResource(done.puller());
      waitingFor.put(id, puller);
      waiters.computeIfAbsent(puller, k -> ConcurrentHashMap.newKeySet()).add(id);
      leave(id, context, true);
      return Outcome.NONE;
    }
    if (ahead == null || ahead instanceof PullAhead.Switch) {
      leave(id, context, false);
      return Outcome.NONE;
    }
    String running = ClawPod.appContainer(live).map(Container::getImage).orElse(null);
    if (ahead instanceof PullAhead.Await await) {
      waitFor(id, await.target(), instance, context);
      return new Outcome(new ImageRollout(await.target().image(), running, await.target().node(),
          await.failure().orElse(null), null), false, changedSinceJudged(await.puller(), cached(instance, await.target())));
    }
    PullerPod.Target target = ((PullAhead.Start) ahead).target();
    waitFor(id, target, instance, context);
    // the instance's own tolerations: the Pod cache keeps none of the live Pod's
    Pod puller = PullerPod.desired(instance, target, instance.getSpec().getTolerations(), toolImage);
    try {
      context.resourceOperations().create(puller, eventSource);
      metrics.pullAheadStarted();
      LOG.infof("Pulling %s onto node %s before Pod %s moves to it (puller %s)", target.image(), target.node(),
          OwnedPod.name(live), target.podName());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // shared: another instance's, which the judgement did not see in the cache and which may be done already
        return new Outcome(new ImageRollout(target.image(), running, target.node(), null, null), false,
            changedSinceJudged(null, cached(instance, target)));
      }
      Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
      metrics.refused("puller");
      // asked again every 30 s: the status (ImageRolledOut PullerRefused) and the metric say it, not each attempt's line
      LOG.debugf("The API server refused puller %s/%s for %s: %s%s", instance.getMetadata().getNamespace(),
          target.podName(), target.image(), refusal.answer(), switchWhenRefused ? "; moving the Pod without it" : "");
      if (switchWhenRefused) {
        leave(id, context, false);
        return new Outcome(null, true);
      }
      return new Outcome(new ImageRollout(target.image(), running, target.node(), null, refusal.answer()), false);
    }
    return new Outcome(new ImageRollout(target.image(), running, target.node(), null, null), false);
  }

  /** Records how long a puller took; called once the Pod moved to the pulled image. */
  private void measure(Pod puller) {
    Instant created = Instant.parse(puller.getMetadata().getCreationTimestamp());
    PullerPod.pullStatus(puller).map(ContainerStatus::getState).map(s -> s.getTerminated())
        .map(t -> t.getStartedAt() == null ? t.getFinishedAt() : t.getStartedAt())
        .filter(at -> at != null)
        .ifPresent(at -> metrics.pullAheadDone(Duration.between(created, Instant.parse(at))));
  }

  private void waitFor(ResourceID instance, PullerPod.Target target, ClawInstance owner,
      Context<ClawInstance> context) {
    ResourceID puller = new ResourceID(target.podName(), owner.getMetadata().getNamespace());
    ResourceID before = waitingFor.put(instance, puller);
    if (before != null && !before.equals(puller)) {
      release(instance, before, context, false);
    }
    waiters.computeIfAbsent(puller, k -> ConcurrentHashMap.newKeySet()).add(instance);
  }

  /** The instance waits for no puller any more: the one it waited for goes when nobody else waits for it. */
  private void leave(ResourceID instance, Context<ClawInstance> context, boolean pulled) {
    ResourceID puller = waitingFor.remove(instance);
    if (puller != null) {
      release(instance, puller, context, pulled);
    }
  }

  private void release(ResourceID instance, ResourceID puller, Context<ClawInstance> context, boolean pulled) {
    Set<ResourceID> still = waiters.computeIfPresent(puller, (k, set) -> {
      set.remove(instance);
      // an instance deleted while it waited never says so: it waits no more
      set.removeIf(other -> context.getPrimaryCache().get(other).isEmpty());
      return set.isEmpty() ? null : set;
    });
    if (still != null) {
      return;
    }
    Optional<Pod> cached = eventSource.get(puller);
    if (cached.isEmpty() || cached.get().getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    if (pulled) {
      measure(cached.get());
    }
    LOG.debugf("Deleting puller %s: no instance waits for it", puller);
    context.getClient().pods().inNamespace(puller.getNamespace().orElseThrow()).withName(puller.getName())
        .withGracePeriod(0).delete();
  }
}
