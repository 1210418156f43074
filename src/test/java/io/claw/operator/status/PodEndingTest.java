package io.claw.operator.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.claw.operator.pod.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class PodEndingTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static Pod pod(String phase, String reason, String message) {
    return new PodBuilder().withNewMetadata().withName("web").withCreationTimestamp(NOW.minusSeconds(60).toString())
        .endMetadata().withNewStatus().withPhase(phase).withReason(reason).withMessage(message).endStatus().build();
  }

  /** Reasons and messages as kubelets write them (pkg/kubelet/eviction, nodeshutdown, lifecycle). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Failed|Evicted|The node was low on resource: memory. |evicted by the node: The node was low on resource: memory.",
      "Failed|Evicted|Pod ephemeral local storage usage exceeds the total limit of containers 1Mi. |"
          + "evicted by the node: Pod ephemeral local storage usage exceeds the total limit of containers 1Mi.",
      "Failed|Terminated|Pod was terminated in response to imminent node shutdown.|"
          + "stopped when its node shut down: Pod was terminated in response to imminent node shutdown.",
      "Failed|Shutdown|Node is shutting, evicting pods|stopped when its node shut down: Node is shutting, evicting pods",
      "Failed|OutOfcpu|Pod Node didn't have enough resource: cpu|refused by the node (OutOfcpu): Pod Node didn't have "
          + "enough resource: cpu",
      "Failed|NodeAffinity|Pod Predicate NodeAffinity failed|refused by the node (NodeAffinity): Pod Predicate "
          + "NodeAffinity failed",
      "Failed|UnexpectedAdmissionError|Allocate failed|refused by the node (UnexpectedAdmissionError): Allocate failed",
      "Failed||| whose containers failed",
      "Succeeded|||whose containers exited successfully",
      "Failed|DeadlineExceeded|Pod was active on the node longer than the specified deadline|that ended (Failed, "
          + "DeadlineExceeded): Pod was active on the node longer than the specified deadline"})
  void describesHowThePodEnded(String phase, String reason, String message, String description) {
    PodEnding ending = PodEnding.of(pod(phase, reason, message)).orElseThrow();
    assertEquals(description.strip(), ending.description());
  }

  @Test
  void runningAndPendingPodsHaveNotEnded() {
    assertTrue(PodEnding.of(pod("Running", null, null)).isEmpty());
    assertTrue(PodEnding.of(pod("Pending", null, null)).isEmpty());
    assertTrue(PodEnding.of(new Pod()).isEmpty());
  }

  @Test
  void metricReasonsAreBounded() {
    assertEquals("Evicted", PodEnding.of(pod("Failed", "Evicted", "")).orElseThrow().metricReason());
    assertEquals("PodSucceeded", PodEnding.of(pod("Succeeded", null, "")).orElseThrow().metricReason());
    assertEquals("Other", PodEnding.of(pod("Failed", "made up by someone/else", "")).orElseThrow().metricReason());
  }

  @Test
  void backOffDoublesFromTenSecondsUpToFiveMinutes() {
    assertEquals(Duration.ZERO, PodEnding.backOff(1));
    assertEquals(Duration.ofSeconds(10), PodEnding.backOff(2));
    assertEquals(Duration.ofSeconds(20), PodEnding.backOff(3));
    assertEquals(Duration.ofSeconds(160), PodEnding.backOff(6));
    assertEquals(Duration.ofMinutes(5), PodEnding.backOff(7));
    assertEquals(Duration.ofMinutes(5), PodEnding.backOff(10_000));
  }

  @Test
  void theCountForTheStatusFollowsThePod() {
    Pod young = new PodBuilder(pod("Running", null, null)).editMetadata()
        .addToAnnotations(Labels.ENDED_PODS, "2").endMetadata().build();
    assertEquals(2, PodEnding.endedPods(young, NOW));
    assertEquals(NOW.minusSeconds(60).plus(PodEnding.STREAK_RESET), PodEnding.countExpires(young).orElseThrow());
    assertNull(PodEnding.endedPods(young, NOW.plus(PodEnding.STREAK_RESET)), "gone once it ran 10 minutes");
    Pod ended = new PodBuilder(young).editStatus().withPhase("Failed").withReason("Evicted").endStatus().build();
    assertEquals(3, PodEnding.endedPods(ended, NOW), "counted with the Pod that ended");
    assertEquals(1, PodEnding.endedPods(ended, NOW.plus(PodEnding.STREAK_RESET)), "a new count after a long run");
    assertNull(PodEnding.endedPods(pod("Running", null, null), NOW), "none without a count");
  }
}
