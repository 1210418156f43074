package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.InstanceStorage;
import io.claw.operator.api.Reasons;
import io.claw.operator.cache.WithoutManagedFields;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.status.StorageFacts;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The instance's PersistentVolumeClaim (spec.storage): its event source, the desired claim, what
 * to do about the live one (pure: {@link #decide}) and the writes that carry that out. The claim
 * is never deleted by the operator: with whenDeleted Delete it carries an owner reference to the
 * instance and goes with it through the garbage collector, as a StatefulSet's claims do; with
 * Retain it carries none and outlives the instance, for a new instance of the same name to take
 * up. A change that a claim cannot take is refused, and nothing is deleted to apply it.
 */
final class OwnedClaim {

  private static final Logger LOG = Logger.getLogger(OwnedClaim.class);
  private static final String STORAGE = "storage";
  static final String PENDING = "Pending";
  /** How long the Events read about a pending claim are used before they are read again. */
  static final Duration EVENTS_READ_AGAIN_AFTER = Duration.ofSeconds(10);
  private static final int EVENTS_READ_KEPT = 1000;

  /** Growths the API server refused, by instance uid: asked again only for another size. */
  private final Map<String, RefusedGrowth> refusedGrowth = new ConcurrentHashMap<>();
  /** The last read of a pending claim's Events, by claim uid; dropped once the claim binds. */
  private final Map<String, EventsRead> eventsRead = new ConcurrentHashMap<>();
  private InformerEventSource<PersistentVolumeClaim, ClawInstance> eventSource;

  /** Watches only the claims the operator manages; a claim maps to its instance by name (kept ones have no owner). */
  InformerEventSource<PersistentVolumeClaim, ClawInstance> eventSource(EventSourceContext<ClawInstance> context,
      long listPage) {
    var configuration = InformerEventSourceConfiguration.from(PersistentVolumeClaim.class, ClawInstance.class)
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(claim -> Optional.ofNullable(ClawPod.instanceOfClaim(claim.getMetadata().getName()))
            .map(instance -> Set.of(new ResourceID(instance, claim.getMetadata().getNamespace())))
            .orElse(Set.of()))
        .withItemStore(new WithoutManagedFields<>())
        .withInformerListLimit(listPage)
        .build();
    eventSource = new InformerEventSource<>(configuration, context);
    return eventSource;
  }

  Optional<PersistentVolumeClaim> cached(ClawInstance instance) {
    return eventSource.get(new ResourceID(ClawPod.claimName(instance), instance.getMetadata().getNamespace()));
  }

  /** A size the API server refused to grow the instance's claim to, asked again only once spec.storage.size changes. */
  String refusedSize(ClawInstance instance) {
    RefusedGrowth refused = refusedGrowth.get(instance.getMetadata().getUid());
    return refused == null ? null : refused.size();
  }

  /** A size the API server refused to grow the claim to, and what the status says of it until spec.storage.size changes. */
  private record RefusedGrowth(String size, String message) {
  }

  /**
   * The newest Event about a claim that has not bound: why it has not. Read only then, and at most
   * once per {@link #EVENTS_READ_AGAIN_AFTER} for a claim: a claim's Events bring no reconcile, and
   * the burst of reconciles around a new claim needs one read, not one each.
   */
  Event newestEvent(KubernetesClient client, PersistentVolumeClaim claim, Instant now) {
    if (claim == null || !PENDING.equals(phase(claim))) {
      if (claim != null) {
        eventsRead.remove(claim.getMetadata().getUid());
      }
      return null;
    }
    EventsRead last = eventsRead.get(claim.getMetadata().getUid());
    if (last != null && now.isBefore(last.at().plus(EVENTS_READ_AGAIN_AFTER))) {
      return last.newest();
    }
    List<Event> events = client.v1().events().inNamespace(claim.getMetadata().getNamespace())
        .withField("involvedObject.uid", claim.getMetadata().getUid()).list().getItems();
    Event newest = events.stream().max(Comparator.comparing(OwnedClaim::lastSeen)).orElse(null);
    if (eventsRead.size() >= EVENTS_READ_KEPT) {
      // claims deleted while pending leave their entry: drop the stale ones
      eventsRead.values().removeIf(read -> now.isAfter(read.at().plus(EVENTS_READ_AGAIN_AFTER)));
    }
    eventsRead.put(claim.getMetadata().getUid(), new EventsRead(now, newest));
    return newest;
  }

  private record EventsRead(Instant at, Event newest) {
  }

  private static String lastSeen(Event event) {
    // RFC 3339 times of one format compare as strings
    return Objects.toString(event.getLastTimestamp(), Objects.toString(event.getEventTime() == null ? null
        : event.getEventTime().getTime(), Objects.toString(event.getMetadata().getCreationTimestamp(), "")));
  }

  /** What to do about the instance's claim. */
  sealed interface Decision {
  }

  /** No spec.storage: a claim the instance had stays as it is (removing the field deletes no data). */
  record None() implements Decision {
  }

  record Create(PersistentVolumeClaim desired) implements Decision {
  }

  /** Make the claim ask for more; its StorageClass decides whether the volume can grow. */
  record Grow(PersistentVolumeClaim live, Quantity size) implements Decision {
  }

  /** Give the claim the owner reference whenDeleted asks for, or take it away. */
  record SetOwner(PersistentVolumeClaim live, List<OwnerReference> owners) implements Decision {
  }

  /** spec.storage asks for what the claim cannot take: nothing is changed. */
  record Refuse(PersistentVolumeClaim live, String reason, String why) implements Decision {
  }

  /** Another's claim holds the name; it is not touched. */
  record NameConflict() implements Decision {
  }

  record Keep(PersistentVolumeClaim live) implements Decision {
  }

  /** The claim spec.storage describes, named after the instance. */
  static PersistentVolumeClaim desired(ClawInstance instance) {
    InstanceStorage storage = instance.getSpec().getStorage();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
          .withName(ClawPod.claimName(instance))
          .withNamespace(instance.getMetadata().getNamespace())
          .withLabels(Labels.forInstance(instance))
          .withOwnerReferences(owners(instance))
        .endMetadata()
        .withNewSpec()
          .withAccessModes(storage.accessModesOrDefault())
          .withStorageClassName(storage.getStorageClassName())
          .withNewResources().addToRequests(STORAGE, storage.getSize()).endResources()
        .endSpec()
        .build();
  }

  /** With whenDeleted Delete, the instance as the claim's controller; else none. */
  static List<OwnerReference> owners(ClawInstance instance) {
    if (!instance.getSpec().getStorage().deletedWithInstance()) {
      return List.of();
    }
    return List.of(Labels.controlledBy(instance));
  }

  /**
   * @param refusedSize a size the API server refused to grow this claim to; null if none
   */
  static Decision decide(ClawInstance instance, Optional<PersistentVolumeClaim> cached, String refusedSize) {
    InstanceStorage storage = instance.getSpec().getStorage();
    if (storage == null) {
      return new None();
    }
    if (cached.isEmpty()) {
      return new Create(desired(instance));
    }
    PersistentVolumeClaim live = cached.get();
    if (!isOurs(live, instance)) {
      return new NameConflict();
    }
    List<String> refused = new ArrayList<>();
    String liveClass = live.getSpec().getStorageClassName();
    if (storage.getStorageClassName() != null && !storage.getStorageClassName().equals(liveClass)) {
      refused.add("spec.storage.storageClassName is " + storage.getStorageClassName() + " but claim "
          + live.getMetadata().getName() + " has class " + (liveClass == null ? "none" : liveClass)
          + ", which a claim cannot change");
    }
    Set<String> modes = new HashSet<>(storage.accessModesOrDefault());
    if (!modes.equals(new HashSet<>(live.getSpec().getAccessModes()))) {
      refused.add("spec.storage.accessModes " + storage.accessModesOrDefault() + " differ from claim "
          + live.getMetadata().getName() + "'s " + live.getSpec().getAccessModes() + ", which a claim cannot change");
    }
    Quantity asked = requested(live);
    int bySize = asked == null ? 1 : storage.getSize().getNumericalAmount().compareTo(asked.getNumericalAmount());
    if (bySize < 0) {
      refused.add("spec.storage.size " + storage.getSize() + " is smaller than claim " + live.getMetadata().getName()
          + "'s " + asked + ": a claim cannot shrink; set the size back to at least " + asked);
    }
    if (!refused.isEmpty()) {
      return new Refuse(live, Reasons.STORAGE_CHANGE_REFUSED, String.join("; ", refused)
          + ". Nothing was changed. To start afresh: stop the instance, delete the claim (its data goes with it), and "
          + "start it: a new claim is made from spec.storage");
    }
    if (bySize > 0 && !storage.getSize().toString().equals(refusedSize)) {
      return new Grow(live, storage.getSize());
    }
    List<OwnerReference> owners = ownersAfter(live, instance);
    if (!owners.equals(live.getMetadata().getOwnerReferences())) {
      return new SetOwner(live, owners);
    }
    return new Keep(live);
  }

  /**
   * The claim's owner references with the instance as controller or without it, as whenDeleted
   * says; a controller reference to an earlier instance of the name (gone, or going) is dropped.
   */
  private static List<OwnerReference> ownersAfter(PersistentVolumeClaim live, ClawInstance instance) {
    List<OwnerReference> kept = new ArrayList<>(live.getMetadata().getOwnerReferences().stream()
        .filter(ref -> !(instance.getKind().equals(ref.getKind()) && instance.getMetadata().getName().equals(ref.getName())))
        .toList());
    kept.addAll(owners(instance));
    return kept;
  }

  /** Labelled as the instance's, and not controlled by another kind (a claim of a kept instance has no owner). */
  static boolean isOurs(PersistentVolumeClaim claim, ClawInstance instance) {
    boolean labelled = Labels.hasAll(claim, Labels.forInstance(instance));
    boolean otherController = claim.getMetadata().getOwnerReferences().stream()
        .anyMatch(ref -> Boolean.TRUE.equals(ref.getController()) && !instance.getKind().equals(ref.getKind()));
    return labelled && !otherController;
  }

  static Quantity requested(PersistentVolumeClaim claim) {
    return claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null ? null
        : claim.getSpec().getResources().getRequests().get(STORAGE);
  }

  static String phase(PersistentVolumeClaim claim) {
    return claim.getStatus() == null ? null : claim.getStatus().getPhase();
  }

  /** Carries the decision out; what the status needs to know of the claim comes back. */
  StorageFacts apply(Decision decision, ClawInstance instance, Context<ClawInstance> context) {
    String name = ClawPod.claimName(instance);
    String uid = instance.getMetadata().getUid();
    if (decision instanceof None) {
      refusedGrowth.remove(uid);
      return null;
    }
    if (decision instanceof NameConflict) {
      return new StorageFacts(name, null, true, null, null, null);
    }
    if (decision instanceof Refuse refuse) {
      return present(refuse.live(), refuse.reason(), refuse.why());
    }
    if (decision instanceof Create create) {
      return created(instance, context, create.desired());
    }
    if (decision instanceof Grow grow) {
      try {
        LOG.infof("Growing claim %s/%s to %s", instance.getMetadata().getNamespace(), name, grow.size());
        PersistentVolumeClaim grown = context.resourceOperations().jsonPatch(unlocked(grow.live()),
            claim -> new PersistentVolumeClaimBuilder(claim).editSpec().editResources()
                .addToRequests(STORAGE, grow.size()).endResources().endSpec().build());
        refusedGrowth.remove(uid);
        return present(grown, null, null);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403 && e.getCode() != 422) {
          throw e;
        }
        RefusedGrowth refused = new RefusedGrowth(grow.size().toString(), "The API server refused to grow claim " + name
            + " to " + grow.size() + ": " + answer(e) + ". Its StorageClass must allow volume expansion "
            + "(allowVolumeExpansion: true); the claim keeps its size and the instance runs on");
        refusedGrowth.put(uid, refused);
        return refusedStill(grow.live(), refused);
      }
    }
    RefusedGrowth refused = refusedGrowth.get(uid);
    if (decision instanceof SetOwner setOwner) {
      LOG.infof("Claim %s/%s %s", instance.getMetadata().getNamespace(), name,
          setOwner.owners().isEmpty() ? "is kept when the instance is deleted" : "goes with the instance when it is deleted");
      PersistentVolumeClaim owned = context.resourceOperations().jsonPatch(unlocked(setOwner.live()),
          claim -> new PersistentVolumeClaimBuilder(claim).editMetadata().withOwnerReferences(setOwner.owners())
              .endMetadata().build());
      return refusedStill(owned, refused);
    }
    return refusedStill(((Keep) decision).live(), refused);
  }

  /** A growth the API server refused stays reported, in its words, until spec.storage.size changes. */
  private static StorageFacts refusedStill(PersistentVolumeClaim live, RefusedGrowth refused) {
    return refused == null ? present(live, null, null) : present(live, Reasons.EXPANSION_REFUSED, refused.message());
  }

  private StorageFacts created(ClawInstance instance, Context<ClawInstance> context, PersistentVolumeClaim desired) {
    String name = desired.getMetadata().getName();
    try {
      PersistentVolumeClaim created = context.resourceOperations().create(desired, eventSource);
      LOG.infof("Created claim %s/%s of %s", desired.getMetadata().getNamespace(), name,
          requested(desired));
      return new StorageFacts(name, created, false, null, null, null);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        // a refusal (quota, a class that admission refuses) is said in StorageReady; the Pod waits for the claim
        Refusal refusal = Refusal.of(e).filter(r -> !r.namespaceGone()).orElseThrow(() -> e);
        LOG.warnf("The API server refused claim %s/%s: %s", desired.getMetadata().getNamespace(), name,
            refusal.answer());
        return new StorageFacts(name, null, false, Reasons.CLAIM_REFUSED, "The API server refused claim " + name + ": "
            + refusal.answer(), null);
      }
      // not in the cache: not labelled as ours (or its event is on its way)
      PersistentVolumeClaim existing = context.getClient().persistentVolumeClaims()
          .inNamespace(desired.getMetadata().getNamespace()).withName(name).get();
      return existing != null && isOurs(existing, instance) ? new StorageFacts(name, existing, false, null, null, null)
          : new StorageFacts(name, null, true, null, null, null);
    }
  }

  private static StorageFacts present(PersistentVolumeClaim live, String reason, String why) {
    return new StorageFacts(live.getMetadata().getName(), live, false, reason, why, null);
  }

  private static PersistentVolumeClaim unlocked(PersistentVolumeClaim claim) {
    return new PersistentVolumeClaimBuilder(claim).editMetadata().withResourceVersion(null).endMetadata().build();
  }

  private static String answer(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }
}
