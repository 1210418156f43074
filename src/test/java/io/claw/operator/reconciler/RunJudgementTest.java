package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.InstanceRun;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullFailureReport;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.RunStatus;
import io.claw.operator.pod.Labels;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;

/** Where a run to completion stands, as the Job controller would judge a Job of one Pod: pure, over the cases. */
class RunJudgementTest {

  private static final Instant START = Instant.parse("2026-12-05T10:00:00Z");
  private static final Instant NOW = START.plusSeconds(60);
  private static final RunJudgement.PullDeadlines DEADLINES = new RunJudgement.PullDeadlines(Duration.ofSeconds(30),
      Duration.ofMinutes(10));

  private static InstanceRun run(InstanceRun.RestartPolicy policy, Integer backoffLimit, Long deadline, Long ttl) {
    InstanceRun run = new InstanceRun();
    run.setRestartPolicy(policy);
    run.setBackoffLimit(backoffLimit);
    run.setActiveDeadlineSeconds(deadline);
    run.setTtlSecondsAfterFinished(ttl);
    return run;
  }

  private static final InstanceRun NEVER = run(InstanceRun.RestartPolicy.Never, 2, null, null);

  private static Pod pod(String phase, String reason, Integer exitCode, String message, int failedBefore) {
    var container = new ContainerStatusBuilder().withName("claw").withRestartCount(0);
    if (exitCode != null) {
      container.withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
          .withMessage(message).endTerminated().endState();
    } else {
      container.withNewState().withNewRunning().endRunning().endState();
    }
    return new PodBuilder().withNewMetadata().withName("job").withUid("pod-1")
        .withCreationTimestamp(START.toString())
        .withAnnotations(Map.of(Labels.FAILED_RUNS, String.valueOf(failedBefore))).endMetadata()
        .withNewStatus().withPhase(phase).withReason(reason).withContainerStatuses(container.build()).endStatus()
        .build();
  }

  private static ClawInstanceStatus running(int failed) {
    return ClawInstanceStatus.builder().phase(Phase.Running)
        .run(new RunStatus(START.toString(), null, null, null, null, failed, 0)).build();
  }

  @Test
  void aPodThatSucceededCompletesTheRunWithItsExitCodeAndMessage() {
    var ends = assertInstanceOf(RunJudgement.Ends.class, RunJudgement.judge(NEVER, running(0),
        Optional.of(pod("Succeeded", null, 0, "wrote output.json", 0)), DEADLINES, NOW));
    assertTrue(ends.succeeded());
    assertEquals(0, ends.status().exitCode());
    assertEquals(Reasons.COMPLETED, ends.status().reason());
    assertEquals("wrote output.json", ends.status().message());
    assertEquals("2026-12-05T10:01:00Z", ends.status().completionTime());
    assertEquals("2026-12-05T10:00:00Z", ends.status().startTime());
    assertTrue(ends.stop().isEmpty(), "a finished Pod is kept, for its logs");
  }

  @Test
  void aFailedRunWithinTheLimitIsRetriedAndCountedOnceHoweverOftenItIsJudged() {
    Pod failed = pod("Failed", null, 3, "input.json missing", 1);
    for (int i = 0; i < 2; i++) {
      var retry = assertInstanceOf(RunJudgement.Retry.class, RunJudgement.judge(NEVER, running(1), Optional.of(failed),
          DEADLINES, NOW));
      assertFalse(retry.disrupted());
      assertEquals(2, retry.status().failed());
      assertEquals(3, retry.status().exitCode());
    }
  }

  @Test
  void aFailureBeyondTheLimitEndsTheRunWithTheLastExitCodeAndMessage() {
    var ends = assertInstanceOf(RunJudgement.Ends.class, RunJudgement.judge(NEVER, running(2),
        Optional.of(pod("Failed", null, 3, "input.json missing", 2)), DEADLINES, NOW));
    assertFalse(ends.succeeded());
    assertEquals(Reasons.BACKOFF_LIMIT_EXCEEDED, ends.status().reason());
    assertEquals(3, ends.status().exitCode());
    assertEquals(3, ends.status().failed());
    assertEquals("input.json missing", ends.status().message(), "the termination message, as the container left it");
  }

  @Test
  void anEvictionOrADisruptionTargetIsRunAgainAndNotCounted() {
    var evicted = assertInstanceOf(RunJudgement.Retry.class, RunJudgement.judge(NEVER, running(2),
        Optional.of(pod("Failed", "Evicted", null, null, 2)), DEADLINES, NOW));
    assertTrue(evicted.disrupted());
    assertEquals(2, evicted.status().failed());
    assertEquals(1, evicted.status().disrupted());
    Pod preempted = new PodBuilder(pod("Failed", null, 137, null, 2)).editStatus()
        .withConditions(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
            .withReason("PreemptionByScheduler").build()).endStatus().build();
    assertTrue(assertInstanceOf(RunJudgement.Retry.class, RunJudgement.judge(NEVER, running(2), Optional.of(preempted),
        DEADLINES, NOW)).disrupted());
  }

  @Test
  void onFailureCountsTheContainersRestartsAndStopsThePodPastTheLimit() {
    InstanceRun onFailure = run(InstanceRun.RestartPolicy.OnFailure, 1, null, null);
    Pod restarting = new PodBuilder(pod("Running", null, null, null, 0)).editStatus().editFirstContainerStatus()
        .withRestartCount(2).withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated()
        .endLastState().endContainerStatus().endStatus().build();
    var ends = assertInstanceOf(RunJudgement.Ends.class, RunJudgement.judge(onFailure, running(0),
        Optional.of(restarting), DEADLINES, NOW));
    assertEquals(Reasons.BACKOFF_LIMIT_EXCEEDED, ends.status().reason());
    assertEquals(1, ends.status().exitCode());
    assertEquals(Optional.of(restarting), ends.stop());
  }

  @Test
  void pastItsDeadlineTheRunFailsAndItsPodIsStoppedGracefully() {
    InstanceRun timed = run(InstanceRun.RestartPolicy.Never, 6, 30L, null);
    Pod busy = pod("Running", null, null, null, 0);
    var ends = assertInstanceOf(RunJudgement.Ends.class, RunJudgement.judge(timed, running(0), Optional.of(busy),
        DEADLINES, NOW));
    assertEquals(Reasons.DEADLINE_EXCEEDED, ends.status().reason());
    assertEquals(Optional.of(busy), ends.stop());
    assertNull(ends.gracePeriodSeconds());
    var before = assertInstanceOf(RunJudgement.Running.class, RunJudgement.judge(timed, running(0), Optional.of(busy),
        DEADLINES, START.plusSeconds(10)));
    assertEquals(Optional.of(START.plusSeconds(30)), before.lookAgainAt());
  }

  @Test
  void aPullFailureThatDoesNotFixItselfEndsTheRunAfterTheShortDeadlineAPassingOneAfterTheLong() {
    Pod pulling = pod("Pending", null, null, null, 0);
    for (var cause : List.of(PullFailureCause.NOT_FOUND, PullFailureCause.REGISTRY_UNREACHABLE)) {
      ClawInstanceStatus failing = running(0).toBuilder().phase(Phase.ImagePullFailed)
          .pullFailure(new PullFailureReport(cause, "registry.local", "push the image", null, null))
          .conditions(List.of(new ClawCondition(ClawCondition.IMAGE_PULL_FAILED, ClawCondition.TRUE, "ErrImagePull",
              "not found", START.toString(), 1L)))
          .build();
      Duration deadline = DEADLINES.of(cause);
      var running = assertInstanceOf(RunJudgement.Running.class, RunJudgement.judge(NEVER, failing, Optional.of(pulling),
          DEADLINES, START.plus(deadline).minusSeconds(1)));
      assertEquals(Optional.of(START.plus(deadline)), running.lookAgainAt());
      var ends = assertInstanceOf(RunJudgement.Ends.class, RunJudgement.judge(NEVER, failing, Optional.of(pulling),
          DEADLINES, START.plus(deadline)));
      assertEquals(Reasons.IMAGE_PULL_FAILED, ends.status().reason());
      assertTrue(ends.status().message().contains(cause.value()) && ends.status().message().endsWith("push the image"),
          ends.status().message());
      assertEquals(0L, ends.gracePeriodSeconds(), "nothing ran in it");
    }
  }

  @Test
  void aFinishedRunTouchesNothingUntilItsTimeToLiveEnds() {
    InstanceRun ttl = run(InstanceRun.RestartPolicy.Never, 6, null, 300L);
    ClawInstanceStatus done = ClawInstanceStatus.builder().phase(Phase.Succeeded)
        .run(new RunStatus(START.toString(), NOW.toString(), 0, Reasons.COMPLETED, null, 0, 0)).build();
    var finished = assertInstanceOf(RunJudgement.Finished.class, RunJudgement.judge(ttl, done, Optional.empty(), DEADLINES,
        NOW.plusSeconds(10)));
    assertEquals(Optional.of(NOW.plusSeconds(300)), finished.expireAt());
    assertInstanceOf(RunJudgement.Expired.class, RunJudgement.judge(ttl, done, Optional.empty(), DEADLINES,
        NOW.plusSeconds(300)));
    assertTrue(assertInstanceOf(RunJudgement.Finished.class, RunJudgement.judge(NEVER, done, Optional.empty(), DEADLINES,
        NOW.plusSeconds(100000))).expireAt().isEmpty(), "without a time to live it stays");
  }

  @Test
  void noPodYetStartsTheRunNow() {
    var starting = assertInstanceOf(RunJudgement.Running.class, RunJudgement.judge(NEVER, null, Optional.empty(),
        DEADLINES, NOW));
    assertEquals("2026-12-05T10:01:00Z", starting.status().startTime());
    assertEquals(0, starting.status().failed());
  }
}
