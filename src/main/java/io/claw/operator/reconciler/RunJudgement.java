package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.InstanceRun;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.RunStatus;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.status.PodEnding;
import io.claw.operator.status.RunReport;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Where the run of an instance that runs to completion stands (pure): from the live Pod, the
 * previous status and the clock, as Kubernetes' Job controller judges a Job of one Pod. The
 * counts of failed and disrupted runs are carried on each Pod (annotations set when it is
 * created), so that judging the same Pod twice counts it once.
 */
sealed interface RunJudgement {

  /** What the status says of the run. */
  RunReport report();

  /**
   * The run goes on: the Pod is kept in line as any instance's. lookAgainAt: the next deadline
   * known from the previous status; deadlines: to find the one a pull failure reported now sets.
   */
  record Running(RunStatus status, Optional<Instant> lookAgainAt, PullDeadlines deadlines) implements RunJudgement {
    @Override
    public RunReport report() {
      return new RunReport(status, RunReport.Outcome.RUNNING, false);
    }
  }

  /** The Pod ended without finishing the run (a failure within the back-off limit, or a disruption): a new Pod runs it again. */
  record Retry(Pod ended, RunStatus status, boolean disrupted) implements RunJudgement {
    @Override
    public RunReport report() {
      return new RunReport(status, RunReport.Outcome.RUNNING, false);
    }
  }

  /**
   * The run ends now. A Pod that still runs is stopped: gracefully at the deadline, at once when
   * its image never pulled.
   */
  record Ends(RunStatus status, boolean succeeded, Optional<Pod> stop, Long gracePeriodSeconds)
      implements RunJudgement {
    @Override
    public RunReport report() {
      return new RunReport(status, outcome(succeeded), false);
    }
  }

  /** It ended before: no Pod is created, replaced or touched. expireAt: when its time to live ends. */
  record Finished(RunStatus status, boolean succeeded, Optional<Instant> expireAt) implements RunJudgement {
    @Override
    public RunReport report() {
      return new RunReport(status, outcome(succeeded), false);
    }
  }

  /** Its time to live after finishing has passed: the instance goes. */
  record Expired(RunStatus status, boolean succeeded) implements RunJudgement {
    @Override
    public RunReport report() {
      return new RunReport(status, outcome(succeeded), true);
    }
  }

  private static RunReport.Outcome outcome(boolean succeeded) {
    return succeeded ? RunReport.Outcome.SUCCEEDED : RunReport.Outcome.FAILED;
  }

  /** How long a pull failure may last before it ends a run: short for causes that do not fix themselves. */
  record PullDeadlines(Duration lasting, Duration passing) {

    Duration of(PullFailureCause cause) {
      return PASSING_CAUSES.contains(cause) ? passing : lasting;
    }
  }

  /** Causes that may pass without a change (a registry back up, a rate limit lifted), and those not recognised. */
  Set<PullFailureCause> PASSING_CAUSES = Set.of(PullFailureCause.REGISTRY_UNREACHABLE, PullFailureCause.RATE_LIMITED,
      PullFailureCause.UNKNOWN);

  /** Pod reasons of a disruption, not a failure of the app (the Job's pod failure policy's DisruptionTarget). */
  Set<String> DISRUPTIONS = Set.of("Evicted", "Preempting", "Shutdown", "Terminated", "NodeLost", "NodeShutdown",
      "DeletionByTaintManager", "TerminationByKubelet", "EvictionByEvictionAPI", "PreemptionByScheduler");

  static RunJudgement judge(InstanceRun run, ClawInstanceStatus previous, Optional<Pod> live, PullDeadlines deadlines,
      Instant now) {
    RunStatus before = previous == null ? null : previous.run();
    if (endedBefore(previous)) {
      boolean succeeded = previous.phase() == Phase.Succeeded;
      Optional<Instant> expireAt = Optional.ofNullable(run.getTtlSecondsAfterFinished())
          .map(ttl -> Instant.parse(before.completionTime()).plusSeconds(ttl));
      return expireAt.filter(at -> !now.isBefore(at)).<RunJudgement>map(at -> new Expired(before, succeeded))
          .orElseGet(() -> new Finished(before, succeeded, expireAt));
    }
    Instant start = Optional.ofNullable(before).map(RunStatus::startTime).map(Instant::parse)
        .or(() -> live.map(PodEnding::created)).orElse(now);
    int failed = live.map(p -> Labels.count(p, Labels.FAILED_RUNS)).orElse(before == null || before.failed() == null ? 0 : before.failed());
    int disrupted = live.map(p -> Labels.count(p, Labels.DISRUPTED_RUNS))
        .orElse(before == null || before.disrupted() == null ? 0 : before.disrupted());
    Optional<ContainerStateTerminated> lastRun = live.flatMap(RunJudgement::lastRun);
    Integer exitCode = lastRun.map(ContainerStateTerminated::getExitCode).orElse(before == null ? null : before.exitCode());
    String started = ClawCondition.format(start);

    if (live.isPresent() && live.get().getMetadata().getDeletionTimestamp() == null) {
      Pod pod = live.get();
      Optional<PodEnding> ending = PodEnding.of(pod);
      if (ending.isPresent() && "Succeeded".equals(ending.get().phase())) {
        return new Ends(new RunStatus(started, ClawCondition.format(now), exitCode, Reasons.COMPLETED, message(lastRun),
            failed, disrupted), true, Optional.empty(), null);
      }
      if (ending.isPresent()) {
        if (disrupted(pod, ending.get())) {
          return new Retry(pod, new RunStatus(started, null, exitCode, ending.get().reason(), ending.get().description(),
              failed, disrupted + 1), true);
        }
        if (failed + 1 > run.backoffLimitOrDefault()) {
          return new Ends(new RunStatus(started, ClawCondition.format(now), exitCode, Reasons.BACKOFF_LIMIT_EXCEEDED,
              message(lastRun), failed + 1, disrupted), false, Optional.empty(), null);
        }
        return new Retry(pod, new RunStatus(started, null, exitCode,
            lastRun.map(ContainerStateTerminated::getReason).orElse(ending.get().reason()), message(lastRun), failed + 1,
            disrupted), false);
      }
      int restarts = ClawPod.appContainerStatus(pod).map(ContainerStatus::getRestartCount).orElse(0);
      if (restarts > run.backoffLimitOrDefault()) {
        // OnFailure: the kubelet restarts the container in its Pod; each restart is a failed run
        return new Ends(new RunStatus(started, ClawCondition.format(now), exitCode, Reasons.BACKOFF_LIMIT_EXCEEDED,
            message(lastRun), restarts, disrupted), false, Optional.of(pod), null);
      }
    }
    Optional<Instant> deadline = Optional.ofNullable(run.getActiveDeadlineSeconds()).map(start::plusSeconds);
    if (deadline.filter(at -> !now.isBefore(at)).isPresent()) {
      return new Ends(new RunStatus(started, ClawCondition.format(now), exitCode, Reasons.DEADLINE_EXCEEDED,
          "The run took longer than spec.run.activeDeadlineSeconds (" + run.getActiveDeadlineSeconds() + " s)", failed,
          disrupted), false, live.filter(p -> p.getMetadata().getDeletionTimestamp() == null), null);
    }
    Optional<Instant> pullDeadline = pullDeadline(previous, deadlines);
    if (live.isPresent() && pullDeadline.filter(at -> !now.isBefore(at)).isPresent()) {
      var report = previous.pullFailure();
      return new Ends(new RunStatus(started, ClawCondition.format(now), exitCode, Reasons.IMAGE_PULL_FAILED,
          "The image did not pull (" + report.cause().value() + ") for " + deadlines.of(report.cause()).toSeconds()
              + " s, so the run failed: " + report.hint(), failed, disrupted), false,
          live.filter(p -> p.getMetadata().getDeletionTimestamp() == null), 0L);
    }
    return new Running(new RunStatus(started, null, exitCode, null, null, failed, disrupted),
        Stream.of(deadline, pullDeadline).flatMap(Optional::stream).min(Instant::compareTo), deadlines);
  }

  /**
   * What the judgement means for the Pod; empty while the run goes on, when the Pod is kept in
   * line as any instance's.
   */
  static Optional<PodDecision> podDecision(RunJudgement run, Optional<Pod> live) {
    if (run == null || run instanceof Running) {
      return Optional.empty();
    }
    if (run instanceof Retry retry) {
      return Optional.of(new PodDecision.Replace(retry.ended(), PodDecision.Why.RUN_AGAIN, 0L,
          PodEnding.of(retry.ended()).orElse(null), 0));
    }
    if (run instanceof Ends ends) {
      return Optional.of(new PodDecision.Halt(live, ends.stop(), ends.gracePeriodSeconds()));
    }
    return Optional.of(new PodDecision.Halt(live, Optional.empty(), null));
  }

  /** Whether the run has ended (now or before): nothing more is pulled or resolved for it. */
  static boolean ended(RunJudgement run) {
    return run instanceof Ends || run instanceof Finished || run instanceof Expired;
  }

  /** Whether the stored status says the run ended: the observe stage then asks no registry and reads no secret. */
  static boolean endedBefore(ClawInstanceStatus previous) {
    return previous != null && previous.run() != null && previous.run().completionTime() != null
        && (previous.phase() == Phase.Succeeded || previous.phase() == Phase.Failed);
  }

  /**
   * When the judgement is to be made again without an event: a deadline of the run, the end of a
   * pull failure's grace (from the status just computed, which may report one for the first time),
   * or the end of the time to live after the run.
   */
  static Optional<Instant> nextMoment(RunJudgement run, InstanceRun spec, ClawInstanceStatus computed) {
    if (run instanceof Running running) {
      return Stream.of(running.lookAgainAt(), pullDeadline(computed, running.deadlines())).flatMap(Optional::stream)
          .min(Instant::compareTo);
    }
    if ((run instanceof Ends || run instanceof Finished) && spec.getTtlSecondsAfterFinished() != null
        && computed != null && computed.run() != null && computed.run().completionTime() != null) {
      return Optional.of(Instant.parse(computed.run().completionTime()).plusSeconds(spec.getTtlSecondsAfterFinished()));
    }
    return Optional.empty();
  }

  /** When the pull failure a status reports ends the run: its start plus the deadline for its cause. */
  private static Optional<Instant> pullDeadline(ClawInstanceStatus previous, PullDeadlines deadlines) {
    if (previous == null || previous.pullFailure() == null || previous.pullFailure().cause() == null) {
      return Optional.empty();
    }
    return previous.condition(ClawCondition.IMAGE_PULL_FAILED).filter(ClawCondition::isTrue)
        .map(ClawCondition::lastTransitionTime).map(Instant::parse)
        .map(since -> since.plus(deadlines.of(previous.pullFailure().cause())));
  }

  /** A disruption, not the app's failure: the Pod's reason, or the DisruptionTarget condition (1.26+). */
  static boolean disrupted(Pod pod, PodEnding ending) {
    boolean target = pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()));
    return target || DISRUPTIONS.contains(ending.reason());
  }

  /** How the app container's last run ended, in this Pod. */
  static Optional<ContainerStateTerminated> lastRun(Pod pod) {
    return ClawPod.appContainerStatus(pod).flatMap(status -> Optional.ofNullable(status.getState())
        .map(s -> s.getTerminated())
        .or(() -> Optional.ofNullable(status.getLastState()).map(s -> s.getTerminated())));
  }

  private static String message(Optional<ContainerStateTerminated> lastRun) {
    return lastRun.map(ContainerStateTerminated::getMessage).map(String::strip).filter(m -> !m.isEmpty()).orElse(null);
  }
}
