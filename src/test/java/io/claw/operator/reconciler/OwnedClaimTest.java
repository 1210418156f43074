package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.InstanceStorage;
import io.claw.operator.api.InstanceStorage.AccessMode;
import io.claw.operator.api.InstanceStorage.ClaimRetention;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.Labels;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** What to do about the instance's claim, over the cases a platform meets: pure, from the cached claim alone. */
class OwnedClaimTest {

  private static ClawInstance instance(String size, String storageClass, ClaimRetention whenDeleted,
      AccessMode... modes) {
    ClawInstance instance = TestInstance.named("desk").in("ns").uid("uid-1").image("app:1").build();
    InstanceStorage storage = new InstanceStorage();
    storage.setSize(new Quantity(size));
    storage.setStorageClassName(storageClass);
    storage.setMountPath("/config");
    storage.setWhenDeleted(whenDeleted);
    storage.setAccessModes(List.of(modes));
    instance.getSpec().setStorage(storage);
    return instance;
  }

  /** The claim as the API server holds it once created from {@code instance} at {@code size}. */
  private static PersistentVolumeClaim live(ClawInstance instance, String size) {
    return new PersistentVolumeClaimBuilder(OwnedClaim.desired(instance))
        .editSpec().editResources().addToRequests("storage", new Quantity(size)).endResources().endSpec()
        .editMetadata().withUid("claim-uid").withResourceVersion("7").endMetadata()
        .build();
  }

  @Test
  void noStorageTouchesNoClaim() {
    ClawInstance plain = TestInstance.named("desk").in("ns").uid("uid-1").build();
    assertInstanceOf(OwnedClaim.None.class, OwnedClaim.decide(plain, Optional.empty(), null));
  }

  @Test
  void aMissingClaimIsCreatedWithTheSpecsSizeClassAndModesAndNoOwnerByDefault() {
    ClawInstance instance = instance("1Gi", "manual", null);
    OwnedClaim.Create create = assertInstanceOf(OwnedClaim.Create.class, OwnedClaim.decide(instance, Optional.empty(), null));
    PersistentVolumeClaim claim = create.desired();
    assertEquals("desk-storage", claim.getMetadata().getName());
    assertEquals(List.of("ReadWriteOnce"), claim.getSpec().getAccessModes());
    assertEquals("manual", claim.getSpec().getStorageClassName());
    assertEquals(new Quantity("1Gi"), claim.getSpec().getResources().getRequests().get("storage"));
    assertTrue(claim.getMetadata().getOwnerReferences().isEmpty(), "Retain: nothing ties the claim to the instance");
    assertTrue(Labels.hasAll(claim, Labels.forInstance(instance)));
  }

  @Test
  void deleteMakesTheInstanceTheClaimsController() {
    ClawInstance instance = instance("1Gi", null, ClaimRetention.Delete);
    PersistentVolumeClaim claim = OwnedClaim.desired(instance);
    assertEquals("uid-1", claim.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals(Boolean.TRUE, claim.getMetadata().getOwnerReferences().get(0).getController());
  }

  @Test
  void theSameSpecKeepsTheClaim() {
    ClawInstance instance = instance("1Gi", "manual", null);
    assertInstanceOf(OwnedClaim.Keep.class, OwnedClaim.decide(instance, Optional.of(live(instance, "1Gi")), null));
  }

  @Test
  void aLargerSizeGrowsTheClaimUnlessThatSizeWasRefused() {
    ClawInstance instance = instance("2Gi", "manual", null);
    PersistentVolumeClaim claim = live(instance, "1Gi");
    OwnedClaim.Grow grow = assertInstanceOf(OwnedClaim.Grow.class, OwnedClaim.decide(instance, Optional.of(claim), null));
    assertEquals(new Quantity("2Gi"), grow.size());
    assertInstanceOf(OwnedClaim.Keep.class, OwnedClaim.decide(instance, Optional.of(claim), "2Gi"));
    assertInstanceOf(OwnedClaim.Grow.class, OwnedClaim.decide(instance("3Gi", "manual", null), Optional.of(claim), "2Gi"));
  }

  @Test
  void theSameSizeWrittenAnotherWayIsNoChange() {
    ClawInstance instance = instance("1024Mi", "manual", null);
    assertInstanceOf(OwnedClaim.Keep.class, OwnedClaim.decide(instance, Optional.of(live(instance, "1Gi")), null));
  }

  @Test
  void aShrinkIsRefusedNamingTheFieldAndTheSizeToGoBackTo() {
    ClawInstance instance = instance("512Mi", "manual", null);
    OwnedClaim.Refuse refuse = assertInstanceOf(OwnedClaim.Refuse.class,
        OwnedClaim.decide(instance, Optional.of(live(instance, "1Gi")), null));
    assertEquals(Reasons.STORAGE_CHANGE_REFUSED, refuse.reason());
    assertTrue(refuse.why().startsWith("spec.storage.size 512Mi is smaller than claim desk-storage's 1Gi: a claim "
        + "cannot shrink; set the size back to at least 1Gi"), refuse.why());
    assertTrue(refuse.why().contains("Nothing was changed"), refuse.why());
  }

  @Test
  void anotherClassOrAccessModeIsRefusedNamingEachField() {
    ClawInstance before = instance("1Gi", "manual", null);
    PersistentVolumeClaim claim = live(before, "1Gi");
    ClawInstance after = instance("1Gi", "fast", null, AccessMode.ReadWriteMany);
    OwnedClaim.Refuse refuse = assertInstanceOf(OwnedClaim.Refuse.class, OwnedClaim.decide(after, Optional.of(claim), null));
    assertTrue(refuse.why().contains("spec.storage.storageClassName is fast but claim desk-storage has class manual"),
        refuse.why());
    assertTrue(refuse.why().contains("spec.storage.accessModes [ReadWriteMany] differ from claim desk-storage's "
        + "[ReadWriteOnce]"), refuse.why());
  }

  @Test
  void noClassInTheSpecAcceptsTheClassTheClusterDefaultGave() {
    ClawInstance instance = instance("1Gi", null, null);
    PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder(live(instance, "1Gi"))
        .editSpec().withStorageClassName("standard").endSpec().build();
    assertInstanceOf(OwnedClaim.Keep.class, OwnedClaim.decide(instance, Optional.of(claim), null));
  }

  @Test
  void switchingRetentionSetsOrDropsTheOwnerReferenceAndAKeptClaimOfAnEarlierInstanceIsTakenUp() {
    ClawInstance retain = instance("1Gi", "manual", null);
    ClawInstance delete = instance("1Gi", "manual", ClaimRetention.Delete);
    OwnedClaim.SetOwner owned = assertInstanceOf(OwnedClaim.SetOwner.class,
        OwnedClaim.decide(delete, Optional.of(live(retain, "1Gi")), null));
    assertEquals("uid-1", owned.owners().get(0).getUid());
    OwnedClaim.SetOwner kept = assertInstanceOf(OwnedClaim.SetOwner.class,
        OwnedClaim.decide(retain, Optional.of(live(delete, "1Gi")), null));
    assertTrue(kept.owners().isEmpty());
    // the claim of an earlier instance of the name (uid-0), kept: no owner, same labels
    ClawInstance earlier = TestInstance.named("desk").in("ns").uid("uid-0").image("app:1").build();
    earlier.getSpec().setStorage(retain.getSpec().getStorage());
    assertInstanceOf(OwnedClaim.Keep.class, OwnedClaim.decide(retain, Optional.of(live(earlier, "1Gi")), null));
  }

  @Test
  void aClaimOfTheNameThatIsNotOursIsLeftAlone() {
    ClawInstance instance = instance("1Gi", "manual", null);
    PersistentVolumeClaim unlabelled = new PersistentVolumeClaimBuilder(live(instance, "1Gi"))
        .editMetadata().withLabels(null).endMetadata().build();
    assertInstanceOf(OwnedClaim.NameConflict.class, OwnedClaim.decide(instance, Optional.of(unlabelled), null));
    PersistentVolumeClaim ofAStatefulSet = new PersistentVolumeClaimBuilder(live(instance, "1Gi"))
        .editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withKind("StatefulSet").withName("desk")
            .withUid("sts").withController(true).build()).endMetadata().build();
    assertInstanceOf(OwnedClaim.NameConflict.class, OwnedClaim.decide(instance, Optional.of(ofAStatefulSet), null));
  }
}
