package io.claw.operator.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.InstanceStorage;
import io.claw.operator.api.Reasons;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Why a claim has not bound, in the PersistentVolume controller's words: the reasons and messages
 * below are pkg/controller/volume/persistentvolume/pv_controller.go's (syncUnboundClaim,
 * emitEventForUnboundDelayBindingClaim, provisionClaim, provisionClaimOperationExternal), the same
 * in 1.20.2 (seen on the real node) and in kubernetes/kubernetes master (read through the source).
 */
class StorageReportTest {

  private static final ClawInstance INSTANCE = instance();

  private static ClawInstance instance() {
    ClawInstance instance = TestInstance.named("desk").in("ns").uid("uid-1").image("app:1").build();
    InstanceStorage storage = new InstanceStorage();
    storage.setSize(new Quantity("1Gi"));
    storage.setMountPath("/config");
    storage.setStorageClassName("manual");
    instance.getSpec().setStorage(storage);
    return instance;
  }

  private static PersistentVolumeClaim claim(String phase, String capacity, String requested) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName("desk-storage").withNamespace("ns").endMetadata()
        .withNewSpec().withStorageClassName("manual").withAccessModes("ReadWriteOnce")
          .withVolumeName("Bound".equals(phase) ? "pv-1" : null)
          .withNewResources().addToRequests("storage", new Quantity(requested)).endResources().endSpec()
        .withNewStatus().withPhase(phase)
          .withCapacity(capacity == null ? null : java.util.Map.of("storage", new Quantity(capacity))).endStatus()
        .build();
  }

  private static Event event(String reason, String message) {
    return new EventBuilder().withReason(reason).withMessage(message).build();
  }

  static Stream<Arguments> pendingClaims() {
    return Stream.of(
        Arguments.of(event("ProvisioningFailed", "storageclass.storage.k8s.io \"manual\" not found"),
            Reasons.STORAGE_CLASS_NOT_FOUND, "there is no StorageClass named manual"),
        Arguments.of(event("WaitForFirstConsumer", "waiting for first consumer to be created before binding"),
            Reasons.WAITING_FOR_FIRST_CONSUMER, "binds a volume only once a Pod that mounts it is scheduled"),
        Arguments.of(event("WaitForPodScheduled", "waiting for pod desk to be scheduled"),
            Reasons.WAITING_FOR_FIRST_CONSUMER, "(volumeBindingMode WaitForFirstConsumer)"),
        Arguments.of(event("FailedBinding", "no persistent volumes available for this claim and no storage class is set"),
            Reasons.NO_VOLUME_AVAILABLE, "no PersistentVolume of class manual is available with at least 1Gi"),
        Arguments.of(event("ExternalProvisioning", "waiting for a volume to be created, either by external provisioner "
            + "\"kubernetes.io/no-provisioner\" or manually created by system administrator"),
            Reasons.NO_VOLUME_AVAILABLE, "Create such a volume, or use a class with a provisioner"),
        Arguments.of(event("ExternalProvisioning", "waiting for a volume to be created, either by external provisioner "
            + "\"ebs.csi.aws.com\" or manually created by system administrator"),
            Reasons.CLAIM_PROVISIONING, "not bound yet: waiting for a volume to be created"),
        Arguments.of(null, Reasons.CLAIM_PENDING, "no event explains why so far"));
  }

  @ParameterizedTest
  @MethodSource("pendingClaims")
  void aPendingClaimSaysWhyWithWhatToChange(Event newest, String reason, String saying) {
    StorageReport report = StorageReport.of(new StorageFacts("desk-storage", claim("Pending", null, "1Gi"), false,
        null, null, newest), INSTANCE);
    assertFalse(report.ready());
    assertFalse(report.bound());
    assertEquals(reason, report.reason());
    assertTrue(report.message().contains(saying), report.message());
    assertEquals("Pending", report.status().phase());
  }

  @Test
  void aBoundClaimIsReadyAndOneThatAsksForMoreIsGrowing() {
    StorageReport bound = StorageReport.of(new StorageFacts("desk-storage", claim("Bound", "1Gi", "1Gi"), false,
        null, null, null), INSTANCE);
    assertTrue(bound.ready());
    assertEquals(Reasons.CLAIM_BOUND, bound.reason());
    assertEquals("Claim desk-storage is bound to volume pv-1 (1Gi)", bound.message());
    assertEquals("1Gi", bound.status().capacity());
    StorageReport growing = StorageReport.of(new StorageFacts("desk-storage", claim("Bound", "1Gi", "2Gi"), false,
        null, null, null), INSTANCE);
    assertEquals(Reasons.CLAIM_EXPANDING, growing.reason());
    assertEquals("2Gi", growing.status().requested());
  }

  @Test
  void aRefusalAndANameConflictAreNotReady() {
    StorageReport refused = StorageReport.of(new StorageFacts("desk-storage", claim("Bound", "1Gi", "1Gi"), false,
        Reasons.STORAGE_CHANGE_REFUSED, "spec.storage.size 512Mi is smaller", null), INSTANCE);
    assertFalse(refused.ready());
    assertTrue(refused.bound(), "the claim still serves the Pod");
    assertEquals(Reasons.STORAGE_CHANGE_REFUSED, refused.reason());
    StorageReport conflict = StorageReport.of(new StorageFacts("desk-storage", null, true, null, null, null), INSTANCE);
    assertEquals(Reasons.CLAIM_NAME_CONFLICT, conflict.reason());
  }
}
