package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PodSecurityReport;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullFailureReport;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;

/** When the status is written, and what a write removes that the apply cannot. */
class StatusWriteTest {

  private static final ClawCondition READY = new ClawCondition(ClawCondition.READY, ClawCondition.FALSE,
      "PodNotScheduled", "waiting", "2026-12-04T10:00:00Z", 1L);
  private static final ClawInstanceStatus COMPUTED = ClawInstanceStatus.builder()
      .phase(Phase.Pending).message("waiting").podName("app").observedGeneration(1L)
      .podSecurity(new PodSecurityReport(PodSecurityProfile.BASELINE, "no label"))
      .conditions(List.of(READY)).build();

  @Test
  void anyDifferenceIsWrittenAConditionOfAnotherTypeIncluded() {
    assertFalse(StatusWrite.needed(COMPUTED, COMPUTED));
    assertTrue(StatusWrite.needed(null, COMPUTED));
    ClawCondition audited = new ClawCondition("Audited", ClawCondition.TRUE, "PolicyChecked", null, null, null);
    assertTrue(StatusWrite.needed(COMPUTED.toBuilder().conditions(List.of(READY, audited)).build(), COMPUTED));
    assertTrue(StatusWrite.needed(COMPUTED.toBuilder().conditions(List.of(READY, READY)).build(), COMPUTED));
    assertTrue(StatusWrite.needed(COMPUTED.toBuilder().pullFailureReason("ErrImagePull").build(), COMPUTED));
  }

  @Test
  void whatTheStoredStatusHoldsBeyondTheComputedOneIsRemovedAtAnyDepth() {
    assertEquals(List.of(), StatusWrite.leftovers(null, COMPUTED));
    assertEquals(List.of(), StatusWrite.leftovers(COMPUTED, COMPUTED));
    // set by another manager while the operator has none: top level, and inside a field it does set
    ClawInstanceStatus stored = COMPUTED.toBuilder()
        .pullFailureReason("ErrImagePull")
        .pullFailure(new PullFailureReport(PullFailureCause.UNAUTHORIZED, null, null, null, null))
        .podSecurity(new PodSecurityReport(PodSecurityProfile.BASELINE, null))
        .build();
    ClawInstanceStatus computed = COMPUTED.toBuilder().podSecurity(new PodSecurityReport(null, "no label")).build();
    assertEquals(List.of(
            Map.of("op", "remove", "path", "/status/pullFailureReason"),
            Map.of("op", "remove", "path", "/status/pullFailure"),
            Map.of("op", "remove", "path", "/status/podSecurity/profile")),
        StatusWrite.leftovers(stored, computed));
    // what the computed status has is the apply's to set, and a list is replaced whole by it
    assertEquals(List.of(), StatusWrite.leftovers(COMPUTED.toBuilder().message("edited").conditions(List.of()).build(),
        COMPUTED));
  }

  /**
   * The conditions are declared an atomic list, so that the operator's apply replaces the list on
   * every version: 1.20 treats every list of this CRD as atomic (it cannot build its apply schema),
   * later versions follow the declaration.
   */
  @Test
  void theCrdDeclaresTheConditionsAnAtomicList() throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(Path.of("crds", "clawinstances.claw.io-v1.yml")), CustomResourceDefinition.class);
    var conditions = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("status").getProperties().get("conditions");
    assertEquals("atomic", conditions.getXKubernetesListType());
    assertTrue(conditions.getXKubernetesListMapKeys() == null || conditions.getXKubernetesListMapKeys().isEmpty());
  }
}
