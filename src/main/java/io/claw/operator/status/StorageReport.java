package io.claw.operator.status;

import java.util.List;
import java.util.Optional;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.StorageStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * What the status says of the instance's claim (pure): the StorageReady condition, status.storage,
 * and whether an unbound claim is what keeps the Pod from running. A claim that has not bound is
 * explained from the newest Event about it, in the words of Kubernetes' PersistentVolume
 * controller (pkg/controller/volume/persistentvolume/pv_controller.go; the same reasons and
 * messages from 1.20 to 1.36), with what to change.
 *
 * @param ready StorageReady's status: True once the claim is bound and spec.storage is applied
 * @param bound whether the claim is bound: a Pod that mounts an unbound one cannot be scheduled
 */
public record StorageReport(boolean ready, boolean bound, String reason, String message, StorageStatus status) {

  /** The PV controller's event reasons (pkg/controller/volume/events/event.go). */
  static final String PROVISIONING_FAILED = "ProvisioningFailed";
  static final String WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer";
  static final String WAIT_FOR_POD_SCHEDULED = "WaitForPodScheduled";
  static final String FAILED_BINDING = "FailedBinding";
  static final String EXTERNAL_PROVISIONING = "ExternalProvisioning";
  /** The provisioner of a StorageClass whose volumes an administrator makes by hand, such as local volumes. */
  static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";

  public static StorageReport of(StorageFacts facts, ClawInstance instance) {
    String size = instance.getSpec().getStorage().getSize().toString();
    String name = facts.claimName();
    if (facts.nameConflict()) {
      return new StorageReport(false, false, Reasons.CLAIM_NAME_CONFLICT, "A PersistentVolumeClaim named " + name
          + " exists and is not this instance's (it lacks the operator's labels, or another controller owns it); "
          + "delete or rename it, or give the instance another name", new StorageStatus(name, null, null, null, null));
    }
    if (facts.claim() == null) {
      return new StorageReport(false, false, facts.refusalReason(), facts.refusal(),
          new StorageStatus(name, null, null, null, null));
    }
    PersistentVolumeClaim claim = facts.claim();
    String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
    Quantity requested = claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null
        ? null : claim.getSpec().getResources().getRequests().get("storage");
    Quantity capacity = claim.getStatus() == null || claim.getStatus().getCapacity() == null ? null
        : claim.getStatus().getCapacity().get("storage");
    StorageStatus status = new StorageStatus(name, phase, claim.getSpec().getVolumeName(),
        capacity == null ? null : capacity.toString(), requested == null ? size : requested.toString());
    boolean bound = "Bound".equals(phase);
    if (facts.refusal() != null) {
      return new StorageReport(false, bound, facts.refusalReason(), facts.refusal(), status);
    }
    if (bound) {
      boolean growing = capacity != null && requested != null
          && requested.getNumericalAmount().compareTo(capacity.getNumericalAmount()) > 0;
      String volume = "Claim " + name + " is bound to volume " + claim.getSpec().getVolumeName() + " (" + capacity + ")";
      return growing
          ? new StorageReport(true, true, Reasons.CLAIM_EXPANDING, volume + " and grows to " + requested
              + resizeCondition(claim).map(c -> ": " + c).orElse(""), status)
          : new StorageReport(true, true, Reasons.CLAIM_BOUND, volume, status);
    }
    if ("Lost".equals(phase)) {
      return new StorageReport(false, false, Reasons.CLAIM_LOST, "Claim " + name + " lost its volume "
          + claim.getSpec().getVolumeName() + " (the PersistentVolume was deleted); its data is gone with it. "
          + "Delete the claim for the instance to make a new, empty one, or restore the volume", status);
    }
    return pending(facts.newestEvent(), claim, status, name, size);
  }

  private static StorageReport pending(Event event, PersistentVolumeClaim claim, StorageStatus status, String name,
      String size) {
    String reason = event == null ? "" : String.valueOf(event.getReason());
    String said = event == null || event.getMessage() == null ? "" : event.getMessage();
    String storageClass = claim.getSpec().getStorageClassName();
    String what = "Claim " + name + " is not bound";
    if (PROVISIONING_FAILED.equals(reason) && said.contains("storageclass") && said.contains("not found")) {
      return new StorageReport(false, false, Reasons.STORAGE_CLASS_NOT_FOUND, what + ": there is no StorageClass named "
          + storageClass + " (" + said + "). Create it, or make the claim anew with spec.storage.storageClassName set "
          + "to a class that exists (kubectl get storageclass)", status);
    }
    if (WAIT_FOR_FIRST_CONSUMER.equals(reason) || WAIT_FOR_POD_SCHEDULED.equals(reason)) {
      return new StorageReport(false, false, Reasons.WAITING_FOR_FIRST_CONSUMER, what + " yet: its StorageClass "
          + storageClass + " binds a volume only once a Pod that mounts it is scheduled (volumeBindingMode "
          + "WaitForFirstConsumer); the instance's Pod does that when it runs", status);
    }
    if (FAILED_BINDING.equals(reason) || EXTERNAL_PROVISIONING.equals(reason) && said.contains(NO_PROVISIONER)) {
      return new StorageReport(false, false, Reasons.NO_VOLUME_AVAILABLE, what + ": no PersistentVolume "
          + (storageClass == null ? "" : "of class " + storageClass + " ") + "is available with at least " + size
          + " and access modes " + claim.getSpec().getAccessModes() + ", and the class makes none by itself ("
          + said + "). Create such a volume, or use a class with a provisioner", status);
    }
    if (EXTERNAL_PROVISIONING.equals(reason)) {
      return new StorageReport(false, false, Reasons.CLAIM_PROVISIONING, what + " yet: " + said, status);
    }
    return new StorageReport(false, false, Reasons.CLAIM_PENDING, what + " yet"
        + (said.isEmpty() ? "; no event explains why so far" : ": " + said), status);
  }

  /** The claim's Resizing or FileSystemResizePending condition, as the resize controller and kubelet write it. */
  private static Optional<String> resizeCondition(PersistentVolumeClaim claim) {
    List<PersistentVolumeClaimCondition> conditions = claim.getStatus() == null ? null : claim.getStatus().getConditions();
    return conditions == null ? Optional.empty() : conditions.stream()
        .filter(c -> "True".equals(c.getStatus()))
        .map(c -> c.getType() + (c.getMessage() == null || c.getMessage().isBlank() ? "" : " (" + c.getMessage() + ")"))
        .findFirst();
  }

  ClawCondition condition(Long generation) {
    return new ClawCondition(ClawCondition.STORAGE_READY, ready ? ClawCondition.TRUE : ClawCondition.FALSE, reason,
        message, null, generation);
  }
}
