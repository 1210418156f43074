package io.claw.operator.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.Phase;

/** kstatus's conditions over every phase, and over the other conditions that can stall or hold up an instance. */
class ProgressTest {

  @ParameterizedTest(name = "{0} ready={1} run={2} {3}={4}/{5}: {6}")
  @CsvSource(nullValues = "-", value = {
      // phase, ready, run under way, other condition type, its status, its reason -> expected condition/reason
      "Pending,         false, false, -,              -,     -,                    Reconciling/PodNotScheduled",
      "Running,         true,  false, -,              -,     -,                    -",
      "Running,         false, false, -,              -,     -,                    Reconciling/PodNotScheduled",
      "Running,         true,  true,  -,              -,     -,                    Reconciling/PodNotScheduled",
      "ImagePullFailed, false, false, -,              -,     -,                    Stalled/PodNotScheduled",
      "Failed,          false, false, -,              -,     -,                    Stalled/PodNotScheduled",
      "Succeeded,       false, false, -,              -,     -,                    -",
      "Stopping,        false, false, -,              -,     -,                    Reconciling/PodNotScheduled",
      "Stopped,         false, false, -,              -,     -,                    -",
      "Running,         true,  false, StorageReady,   False, StorageChangeRefused, Stalled/StorageChangeRefused",
      "Running,         true,  false, StorageReady,   False, ExpansionRefused,     Stalled/ExpansionRefused",
      "Running,         true,  false, StorageReady,   False, ClaimExpanding,       Reconciling/ClaimExpanding",
      "Running,         true,  false, StorageReady,   True,  ClaimBound,           -",
      "Stopped,         false, false, ServiceReady,   False, ServiceRefused,       Stalled/ServiceRefused",
      "Running,         true,  false, ImageRolledOut, False, PullingAhead,         Reconciling/PullingAhead",
      "Running,         true,  false, ImageRolledOut, False, PullAheadFailed,      Stalled/PullAheadFailed",
      "Running,         true,  false, ImageRolledOut, False, PullerRefused,        Stalled/PullerRefused",
      "Pending,         false, false, StorageReady,   False, StorageClassNotFound, Stalled/StorageClassNotFound"})
  void stalledWhenOnlyAChangeHelpsReconcilingOnTheWayNeitherWhenThere(Phase phase, boolean ready, boolean running,
      String type, String status, String reason, String expected) {
    List<ClawCondition> others = type == null ? List.of()
        : List.of(new ClawCondition(type, status, reason, "the " + reason + " message", null, 4L));
    String seen = Progress.of(phase, ready, "PodNotScheduled", "the verdict", running, others, 4L)
        .map(c -> c.type() + "/" + c.reason() + (ClawCondition.TRUE.equals(c.status()) ? "" : " (not True)"))
        .orElse(null);
    assertEquals(expected, seen);
  }
}
