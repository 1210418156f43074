package io.claw.operator.status;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PodSecurityReport;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullFailureReport;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.ResolvedImage;
import io.claw.operator.api.RunStatus;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.pod.ClawPod;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/** Builds an instance's status from what was observed; pure, so that it is easy to test. */
public final class StatusCalculator {

  /** Waiting reasons of a container that is simply on its way up. */
  private static final Set<String> STARTING_REASONS = Set.of("ContainerCreating", "PodInitializing");
  private static final String CRASH_LOOP = "CrashLoopBackOff";
  private static final String CONFIG_ERROR = "CreateContainerConfigError";
  private static final String OOM_KILLED = "OOMKilled";

  private StatusCalculator() {
  }

  public static ClawInstanceStatus compute(Observation observed, Instant now) {
    ClawInstanceStatus previous = ClawInstanceStatus.usable(observed.instance().getStatus());
    Long generation = observed.instance().getMetadata().getGeneration();
    StorageReport storage = observed.storage() == null ? null : StorageReport.of(observed.storage(), observed.instance());
    Assessment verdict = rollingOut(waitingForClaim(withMissingSecrets(assess(observed, previous, now), observed),
        storage), observed, previous);

    ClawCondition ready = new ClawCondition(ClawCondition.READY,
        verdict.ready() ? ClawCondition.TRUE : ClawCondition.FALSE,
        verdict.reason(), verdict.message(), null, generation);
    List<ClawCondition> previousConditions = previous == null ? null : previous.conditions();
    ClawCondition pull = pullCondition(verdict, previous, generation);
    Optional<ClawCondition> upToDate = Optional.ofNullable(observed.tag()).map(TagReport::condition)
        .map(c -> new ClawCondition(c.type(), c.status(), c.reason(), c.message(), null, generation));
    List<ClawCondition> others = Stream.of(
            Optional.ofNullable(storage).map(r -> r.condition(generation)).stream(),
            Optional.ofNullable(observed.service()).map(f -> serviceCondition(f, generation)).stream(),
            runCondition(observed.run(), verdict, generation).stream(),
            Optional.ofNullable(observed.rollout()).map(r -> rolloutCondition(r, verdict, generation)).stream())
        .flatMap(s -> s).toList();
    Optional<ClawCondition> progress = Progress.of(verdict.phase(), verdict.ready(), verdict.reason(),
        verdict.message(), observed.run() != null && !observed.run().finished(), others, generation);
    List<ClawCondition> conditions = Stream.of(Stream.of(ready, pull),
            pullSecretsCondition(observed, generation).stream(), upToDate.stream(), others.stream(), progress.stream())
        .flatMap(s -> s)
        .map(c -> c.transitionedSince(previousConditions, now))
        .toList();

    String podName = observed.podState() == PodState.NO_IMAGE || observed.podState() == PodState.STOPPED ? null
        : ClawPod.podName(observed.instance());
    return ClawInstanceStatus.builder()
        .phase(verdict.phase())
        .message(verdict.message())
        .pullPolicy(observed.pullPolicy().policy())
        .pullPolicySource(observed.pullPolicy().source())
        .pullPolicyRule(observed.pullPolicy().rule())
        .pullPolicyNote(observed.pullPolicy().notice() == null ? null : observed.pullPolicy().notice().message())
        .image(observed.image())
        .imageID(verdict.imageID())
        .resolvedImage(observed.tag() == null ? null : observed.tag().resolved())
        .pullFailureReason(verdict.pullFailure() == null ? null : verdict.pullFailure().reason())
        .pullFailure(verdict.report())
        .podName(podName)
        .observedGeneration(generation)
        .conditions(conditions)
        .endedPods(observed.pod() == null ? null : PodEnding.endedPods(observed.pod(), now))
        .podSecurity(observed.podSecurity())
        .address(address(observed.service()))
        .storage(storage == null ? null : storage.status())
        .run(observed.run() == null ? null : observed.run().run())
        .build();
  }

  /** A run to completion that ended: Complete or Failed, as a Job's conditions, so that kubectl wait works the same way. */
  private static Optional<ClawCondition> runCondition(RunReport run, Assessment verdict, Long generation) {
    if (run == null || !run.finished()) {
      return Optional.empty();
    }
    return Optional.of(new ClawCondition(run.outcome() == RunReport.Outcome.SUCCEEDED ? ClawCondition.COMPLETE
        : ClawCondition.FAILED, ClawCondition.TRUE, run.run().reason(), verdict.message(), null, generation));
  }

  /**
   * How a run to completion ended, from status.run; a run that an image which never pulled ended
   * keeps the pull failure's condition, cause and hint.
   */
  private static Assessment finished(Observation observed, ClawInstanceStatus previous) {
    RunStatus run = observed.run().run();
    boolean succeeded = observed.run().outcome() == RunReport.Outcome.SUCCEEDED;
    String exit = run.exitCode() == null ? "" : " with exit code " + run.exitCode();
    String said = run.message() == null || run.message().isBlank() ? "" : ": " + run.message().strip();
    String why = run.reason();
    if (Reasons.BACKOFF_LIMIT_EXCEEDED.equals(why) && run.failed() != null) {
      why += ": " + run.failed() + " failed run" + (run.failed() == 1 ? "" : "s") + ", more than spec.run.backoffLimit "
          + observed.instance().getSpec().getRun().backoffLimitOrDefault() + " allows";
    }
    String message = succeeded ? "The run completed" + exit + said : "The run failed (" + why + ")" + exit + said;
    String imageID = observed.pod() == null ? null : ClawPod.appContainerStatus(observed.pod())
        .map(ContainerStatus::getImageID).filter(id -> !id.isEmpty()).orElse(null);
    if (Reasons.IMAGE_PULL_FAILED.equals(run.reason()) && previous != null) {
      Optional<PullFailure> failure = previousFailure(previous, observed);
      return new Assessment(Phase.Failed, false, run.reason(), message, failure.orElse(null), imageID,
          failure.isPresent() ? previous.pullFailure() : null);
    }
    return new Assessment(succeeded ? Phase.Succeeded : Phase.Failed, false, run.reason(), message, null, imageID);
  }

  /**
   * A running Pod whose new image is pulled onto its node first keeps running its old one: the
   * verdict on the Pod stands, and says so; a pull that fails there is reported as a pull failure,
   * with cause and hint, though nothing that runs is touched.
   */
  private static Assessment rollingOut(Assessment verdict, Observation observed, ClawInstanceStatus previous) {
    ImageRollout rollout = observed.rollout();
    if (rollout == null) {
      return verdict;
    }
    String message = verdict.message().replaceFirst("\\.?$", ". ") + rolloutMessage(rollout);
    if (rollout.failure() == null) {
      return new Assessment(verdict.phase(), verdict.ready(), verdict.reason(), message, null, verdict.imageID());
    }
    PullFailure failure = keepRootCause(rollout.failure(), previous, observed);
    Observation onNode = new Observation(observed.instance(), observed.pullPolicy(), observed.image(),
        observed.podState(), observed.pod(), observed.pullSecrets(), new NodeFacts(rollout.node(), false, null),
        observed.podSecurity(), observed.rejection(), observed.tag());
    return new Assessment(verdict.phase(), verdict.ready(), verdict.reason(), message, failure, verdict.imageID(),
        diagnose(failure, previous, onNode));
  }

  private static String rolloutMessage(ImageRollout rollout) {
    String stays = "Pod keeps running " + rollout.running();
    if (rollout.refusal() != null) {
      return rollout.image() + " is not rolled out: the API server refused the Pod that pulls it onto node "
          + rollout.node() + " (" + rollout.refusal() + "). The " + stays + "; the operator asks again every 30 s, "
          + "or moves without pulling first with " + ClawOperatorConfig.PULL_AHEAD_WHEN_REFUSED + "=switch";
    }
    if (rollout.failure() != null) {
      return rollout.image() + " is not rolled out: pulling it onto node " + rollout.node() + " fails ("
          + rollout.failure().reason() + ": " + rollout.failure().message() + "). The " + stays
          + " until the pull succeeds or the image is changed";
    }
    return "Pulling " + rollout.image() + " onto node " + rollout.node() + " before the container moves to it; the "
        + stays;
  }

  private static ClawCondition rolloutCondition(ImageRollout rollout, Assessment verdict, Long generation) {
    String reason = rollout.refusal() != null ? Reasons.PULLER_REFUSED
        : rollout.failure() != null ? Reasons.PULL_AHEAD_FAILED : Reasons.PULLING_AHEAD;
    return new ClawCondition(ClawCondition.IMAGE_ROLLED_OUT, ClawCondition.FALSE, reason, rolloutMessage(rollout),
        null, generation);
  }

  /** A Pod that is not scheduled because its claim has not bound says so, in the claim's words. */
  private static Assessment waitingForClaim(Assessment verdict, StorageReport storage) {
    if (storage == null || storage.bound() || !Reasons.POD_NOT_SCHEDULED.equals(verdict.reason())
        || Reasons.WAITING_FOR_FIRST_CONSUMER.equals(storage.reason())) {
      return verdict;
    }
    return Assessment.notReady(verdict.phase(), storage.reason(), verdict.message().replaceFirst("\\.?$", ". ")
        + storage.message());
  }

  /** Where the Service serves the first port: {@code name.namespace.svc:port}. */
  static String address(ServiceFacts facts) {
    if (facts == null || facts.service() == null || facts.service().getSpec().getPorts().isEmpty()) {
      return null;
    }
    return facts.name() + "." + facts.service().getMetadata().getNamespace() + ".svc:"
        + facts.service().getSpec().getPorts().get(0).getPort();
  }

  private static ClawCondition serviceCondition(ServiceFacts facts, Long generation) {
    if (facts.nameConflict()) {
      return new ClawCondition(ClawCondition.SERVICE_READY, ClawCondition.FALSE, Reasons.SERVICE_NAME_CONFLICT,
          "A Service named " + facts.name() + " exists and is not this instance's; delete or rename it, or give the "
              + "instance another name", null, generation);
    }
    if (facts.refusal() != null) {
      return new ClawCondition(ClawCondition.SERVICE_READY, ClawCondition.FALSE, Reasons.SERVICE_REFUSED,
          facts.refusal(), null, generation);
    }
    String ports = facts.service().getSpec().getPorts().stream()
        .map(p -> p.getName() + " " + p.getPort() + "/" + p.getProtocol()).collect(Collectors.joining(", "));
    return new ClawCondition(ClawCondition.SERVICE_READY, ClawCondition.TRUE, Reasons.SERVICE_READY,
        "Service " + facts.name() + " (" + facts.service().getSpec().getType() + ") serves " + ports
            + " from the instance's Pod", null, generation);
  }

  /**
   * The status after a failed reconcile (e.g. the API server refused the Pod): what was known
   * before stays, Ready turns False with the error as its message.
   */
  public static ClawInstanceStatus reconcileFailed(ClawInstance instance, String message, Instant now) {
    ClawInstanceStatus previous = ClawInstanceStatus.usable(instance.getStatus());
    Long generation = instance.getMetadata().getGeneration();
    List<ClawCondition> previousConditions = previous == null ? null : previous.conditions();
    ClawCondition ready = new ClawCondition(ClawCondition.READY, ClawCondition.FALSE, Reasons.RECONCILE_ERROR,
        message, null, generation).transitionedSince(previousConditions, now);
    // kstatus: Failed, until a change lets the Pod be written
    ClawCondition stalled = new ClawCondition(ClawCondition.STALLED, ClawCondition.TRUE, Reasons.RECONCILE_ERROR,
        message, null, generation).transitionedSince(previousConditions, now);
    Set<String> replaced = Set.of(ClawCondition.READY, ClawCondition.STALLED, ClawCondition.RECONCILING);
    List<ClawCondition> conditions = previous == null ? List.of(ready, stalled)
        : Stream.of(Stream.of(ready), previous.conditions().stream().filter(c -> !replaced.contains(c.type())),
            Stream.of(stalled)).flatMap(s -> s).toList();
    return (previous == null ? ClawInstanceStatus.builder() : previous.toBuilder())
        .phase(Phase.Failed)
        .message(message)
        .observedGeneration(generation)
        .conditions(conditions)
        .build();
  }

  /** A missing pull secret is the likely cause of whatever keeps the instance from running: say so. */
  private static Assessment withMissingSecrets(Assessment verdict, Observation observed) {
    if (verdict.ready() || observed.pullSecrets().result() != PullSecrets.Result.MISSING) {
      return verdict;
    }
    return new Assessment(verdict.phase(), false, verdict.reason(),
        verdict.message().replaceFirst("\\.?$", ". ") + missingSecretsMessage(observed), verdict.pullFailure(),
        verdict.imageID(), verdict.report());
  }

  private static String missingSecretsMessage(Observation observed) {
    return "Pull secret(s) not found in namespace " + observed.instance().getMetadata().getNamespace() + ": "
        + String.join(", ", observed.pullSecrets().missing());
  }

  private static Optional<ClawCondition> pullSecretsCondition(Observation observed, Long generation) {
    return Optional.ofNullable(switch (observed.pullSecrets().result()) {
      case NOT_CHECKED -> null;
      case FOUND -> new ClawCondition(ClawCondition.PULL_SECRETS_FOUND, ClawCondition.TRUE, Reasons.SECRETS_FOUND,
          "Every Secret in spec.imagePullSecrets exists", null, generation);
      case MISSING -> new ClawCondition(ClawCondition.PULL_SECRETS_FOUND, ClawCondition.FALSE, Reasons.SECRET_NOT_FOUND,
          missingSecretsMessage(observed) + "; the kubelet pulls without them, which a private registry refuses",
          null, generation);
      case FORBIDDEN -> new ClawCondition(ClawCondition.PULL_SECRETS_FOUND, ClawCondition.UNKNOWN, Reasons.SECRETS_FORBIDDEN,
          "The operator may not get Secrets in this namespace, so it cannot tell whether they exist",
          null, generation);
    });
  }

  private static ClawCondition pullCondition(Assessment verdict, ClawInstanceStatus previous, Long generation) {
    if (verdict.pullFailure() != null) {
      return new ClawCondition(ClawCondition.IMAGE_PULL_FAILED, ClawCondition.TRUE,
          verdict.pullFailure().reason(), verdict.pullFailure().message(), null, generation);
    }
    if (verdict.imageID() != null) {
      return new ClawCondition(ClawCondition.IMAGE_PULL_FAILED, ClawCondition.FALSE,
          Reasons.IMAGE_PULLED, "The image is on the node: " + verdict.imageID(), null, generation);
    }
    if (Reasons.pullUnresolved(previous)) {
      // The failing Pod was replaced, or its image or policy changed: that ends the failure
      // report, not the failure. Only a pull that succeeds (ImagePulled) means it recovered.
      return new ClawCondition(ClawCondition.IMAGE_PULL_FAILED, ClawCondition.FALSE,
          Reasons.AWAITING_PULL, "No pull failure reported since the last one; no pull has succeeded yet", null, generation);
    }
    return new ClawCondition(ClawCondition.IMAGE_PULL_FAILED, ClawCondition.FALSE,
        Reasons.NO_PULL_FAILURE, "No image pull failure reported", null, generation);
  }

  private static Assessment assess(Observation observed, ClawInstanceStatus previous, Instant now) {
    String podName = ClawPod.podName(observed.instance());
    Optional<PodEnding> ended = observed.pod() == null ? Optional.empty() : PodEnding.of(observed.pod());
    return switch (observed.podState()) {
      case NO_IMAGE -> Assessment.notReady(Phase.Failed, Reasons.NO_IMAGE,
          "spec.image is not set and the operator has no default image ("
              + ClawOperatorConfig.DEFAULT_IMAGE + "); set one of them");
      case NAME_CONFLICT -> Assessment.notReady(Phase.Failed, Reasons.POD_NAME_CONFLICT,
          "A Pod named " + podName + " already exists and is not managed by this ClawInstance; "
              + "delete or rename that Pod");
      case REPLACING -> ended
          .map(ending -> Assessment.notReady(Phase.Pending, Reasons.POD_ENDED,
              "Replacing Pod " + podName + ", " + ending.description()))
          .orElseGet(() -> Assessment.notReady(Phase.Pending, Reasons.POD_REPLACING,
              "Replacing Pod " + podName + ": its spec changed in fields a running Pod cannot take (all but "
                  + "the image), or its Pod Security profile did"));
      case ENDED_BACKING_OFF -> backingOff(observed.pod(), ended.orElseThrow(), podName, now);
      case REJECTED -> Assessment.notReady(Phase.Failed, observed.rejection().reason(), observed.rejection().message()
          + (observed.pod() == null ? "" : ". Pod " + podName + " stays as it was until the spec can be applied"));
      case PRESENT -> assessPod(observed, previous, podName);
      case AWAITING_DIGEST -> Assessment.notReady(Phase.Pending, Reasons.RESOLVING_TAG,
          observed.tag().condition().message());
      case STOPPING -> Assessment.notReady(Phase.Stopping, Reasons.STOPPING, "Stopping: Pod " + podName
          + " is being deleted gracefully (spec.stopped is true)" + kept(observed));
      case FINISHED -> finished(observed, previous);
      case STOPPED -> Assessment.notReady(Phase.Stopped, Reasons.STOPPED, "Stopped (spec.stopped is true): no Pod runs"
          + kept(observed) + ". Start it with: kubectl patch claw " + observed.instance().getMetadata().getName()
          + " --type=merge -p '{\"spec\":{\"stopped\":false}}'");
    };
  }

  /** What a stopped instance keeps. */
  private static String kept(Observation observed) {
    List<String> kept = Stream.of(
            Optional.ofNullable(observed.storage()).filter(s -> s.claim() != null).map(s -> "claim " + s.claimName()),
            Optional.ofNullable(observed.service()).filter(s -> s.service() != null).map(s -> "Service " + s.name()))
        .flatMap(Optional::stream).toList();
    return kept.isEmpty() ? "" : "; " + String.join(" and ", kept) + (kept.size() == 1 ? " is" : " are") + " kept";
  }

  private static Assessment backingOff(Pod pod, PodEnding ending, String podName, Instant now) {
    int inARow = PodEnding.endedInARow(pod, now);
    Duration backOff = PodEnding.backOff(inARow);
    Instant replaceAt = PodEnding.replaceAt(pod, now);
    return Assessment.notReady(Phase.Failed, Reasons.POD_ENDED_BACK_OFF,
        "Pod " + podName + " ended, " + ending.description() + (ending.description().endsWith(".") ? " " : ". ")
            + inARow + " Pods in a row have ended, so the next is created after a back-off of " + backOff.toSeconds()
            + " s, at " + DateTimeFormatter.ISO_INSTANT.format(replaceAt.truncatedTo(ChronoUnit.SECONDS)));
  }

  private static Assessment assessPod(Observation observed, ClawInstanceStatus previous, String podName) {
    Pod pod = observed.pod();
    Optional<ContainerStatus> app = ClawPod.appContainerStatus(pod);
    String imageID = app.map(ContainerStatus::getImageID).filter(id -> !id.isEmpty()).orElse(null);

    Optional<PullFailure> failure = PullFailure.of(pod)
        .map(current -> keepRootCause(current, previous, observed))
        .or(() -> stillFailing(app, previous, observed));
    if (failure.isPresent()) {
      PullFailure f = failure.get();
      return new Assessment(Phase.ImagePullFailed, false, f.reason(),
          "Cannot pull image " + observed.image() + " (pullPolicy " + observed.pullPolicy().policy() + "): "
              + f.message(),
          f, null, diagnose(f, previous, observed));
    }

    ContainerState state = app.map(ContainerStatus::getState).orElse(null);
    if (state == null) {
      return notStarted(pod, podName);
    }
    if (state.getRunning() != null) {
      boolean ready = podCondition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
      return ready
          ? new Assessment(Phase.Running, true, Reasons.POD_READY, "Pod " + podName + " is running and ready", null, imageID)
          : new Assessment(Phase.Running, false, Reasons.CONTAINERS_NOT_READY,
              "Pod " + podName + " is running but not ready" + Probes.notReadyBecause(observed.instance().getSpec(), app.get()),
              null, imageID);
    }
    if (state.getTerminated() != null) {
      ContainerStateTerminated ended = state.getTerminated();
      return new Assessment(Phase.Failed, false, firstNonBlank(ended.getReason(), "ContainerTerminated"),
          OOM_KILLED.equals(ended.getReason()) ? oomKilled(ended)
              : firstNonBlank(ended.getMessage(), "The app container exited with code " + ended.getExitCode()),
          null, imageID);
    }
    String reason = state.getWaiting() == null ? null : state.getWaiting().getReason();
    String message = state.getWaiting() == null ? null : state.getWaiting().getMessage();
    if (reason == null || STARTING_REASONS.contains(reason)) {
      return new Assessment(Phase.Pending, false, firstNonBlank(reason, Reasons.CONTAINER_CREATING),
          firstNonBlank(message, "Pod " + podName + ": the app container is starting"), null, imageID);
    }
    return new Assessment(Phase.Failed, false, reason, withHint(reason, firstNonBlank(message,
        "The app container is waiting: " + reason), app.map(ContainerStatus::getLastState).orElse(null)), null, imageID);
  }

  /**
   * The kubelet's words for a container that keeps exiting or cannot be configured, with what to
   * change: the exit code and OOMKilled of the last run, the field behind a configuration error.
   */
  private static String withHint(String reason, String message, ContainerState last) {
    if (CRASH_LOOP.equals(reason) && last != null && last.getTerminated() != null) {
      ContainerStateTerminated ended = last.getTerminated();
      return OOM_KILLED.equals(ended.getReason()) ? oomKilled(ended) + " (" + message + ")"
          : "The app container keeps exiting; its last run ended with exit code " + ended.getExitCode()
              + (ended.getReason() == null ? "" : " (" + ended.getReason() + ")")
              + ": its log says why (kubectl logs --previous). " + message;
    }
    if (CONFIG_ERROR.equals(reason)) {
      if (message.contains("runAsNonRoot") && message.contains("will run as root")) {
        return message + ". The image runs as root, which runAsNonRoot forbids: set spec.securityContext.runAsUser "
            + "(or spec.podSecurityContext.runAsUser) to a non-zero UID the image can run as, or use an image whose "
            + "USER is a non-root UID.";
      }
      if (message.contains("runAsNonRoot") && message.contains("non-numeric user")) {
        return message + ". The image names its user, which the kubelet cannot check against runAsNonRoot: set "
            + "spec.securityContext.runAsUser to that user's numeric UID, or use an image whose USER is a number.";
      }
      if (message.contains("not found") || message.contains("couldn't find key")) {
        return message + ". Create the ConfigMap or Secret (or the key) the Pod refers to, or fix the reference.";
      }
    }
    return message;
  }

  private static String oomKilled(ContainerStateTerminated ended) {
    return "The app container was killed for using more memory than its limit (OOMKilled, exit code "
        + ended.getExitCode() + "): raise spec.resources.limits.memory, or make the app use less.";
  }

  private static Assessment notStarted(Pod pod, String podName) {
    boolean scheduled = pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
    if (scheduled) {
      return Assessment.notReady(Phase.Pending, Reasons.CONTAINER_CREATING,
          "Pod " + podName + " is on node " + pod.getSpec().getNodeName() + "; waiting for the kubelet to start it");
    }
    String why = podCondition(pod, "PodScheduled")
        .filter(c -> "False".equals(c.getStatus()) && c.getMessage() != null)
        .map(PodCondition::getMessage)
        .orElse("no scheduler or kubelet has picked it up yet");
    return Assessment.notReady(Phase.Pending, Reasons.POD_NOT_SCHEDULED,
        "Pod " + podName + " is not scheduled to a node: " + why);
  }

  /**
   * The cause, registry and hint of a failure. A message that says only "Back-off pulling image"
   * (kubelets before 1.32, with no error seen before it) keeps the cause found before.
   */
  private static PullFailureReport diagnose(PullFailure failure, ClawInstanceStatus previous, Observation observed) {
    PullFailureCause cause = PullFailure.cause(failure.reason(), failure.message())
        .or(() -> Optional.ofNullable(previous).filter(p -> observed.image().equals(p.image()))
            .map(ClawInstanceStatus::pullFailure).map(PullFailureReport::cause))
        .orElse(PullFailureCause.UNKNOWN);
    return PullFailure.report(cause, new PullFailure.Facts(observed.image(), observed.pullPolicy(),
        observed.instance().getSpec().getImagePullSecrets(), observed.pullSecrets(), observed.node()));
  }

  /**
   * While backing off, the kubelet only says "Back-off pulling image"; the error worth reading
   * came with the ErrImagePull before it, so keep that message.
   */
  private static PullFailure keepRootCause(PullFailure current, ClawInstanceStatus previous, Observation observed) {
    if (!PullFailure.BACK_OFF.equals(current.reason())) {
      return current;
    }
    return previousFailure(previous, observed)
        .filter(p -> PullFailure.ERR_IMAGE_PULL.equals(p.reason()) || PullFailure.BACK_OFF.equals(p.reason()))
        .map(p -> new PullFailure(current.container(), current.reason(), p.message()))
        .orElse(current);
  }

  /**
   * Between two pull attempts the kubelet may briefly report the container as creating. A
   * failure stays reported until the container shows real progress (a state other than
   * creating), so that the condition does not flap.
   */
  private static Optional<PullFailure> stillFailing(Optional<ContainerStatus> app, ClawInstanceStatus previous,
      Observation observed) {
    boolean starting = app.map(ContainerStatus::getState)
        .map(s -> s.getRunning() == null && s.getTerminated() == null
            && (s.getWaiting() == null || STARTING_REASONS.contains(s.getWaiting().getReason())))
        .orElse(true);
    boolean neverPulled = app.map(ContainerStatus::getImageID).map(String::isEmpty).orElse(true);
    return starting && neverPulled ? previousFailure(previous, observed) : Optional.empty();
  }

  /** The failure reported last time, if it was about the same image and pull policy. */
  private static Optional<PullFailure> previousFailure(ClawInstanceStatus previous, Observation observed) {
    if (previous == null || !observed.image().equals(previous.image())
        || observed.pullPolicy().policy() != previous.pullPolicy()) {
      return Optional.empty();
    }
    return previous.condition(ClawCondition.IMAGE_PULL_FAILED)
        .filter(ClawCondition::isTrue)
        .map(c -> new PullFailure(ClawPod.appContainerName(observed.instance().getSpec()), c.reason(), c.message()));
  }

  private static Optional<PodCondition> podCondition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private static String firstNonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  /** The verdict on an instance before it is written up as status and conditions. */
  private record Assessment(Phase phase, boolean ready, String reason, String message, PullFailure pullFailure,
      String imageID, PullFailureReport report) {

    Assessment(Phase phase, boolean ready, String reason, String message, PullFailure pullFailure, String imageID) {
      this(phase, ready, reason, message, pullFailure, imageID, null);
    }

    static Assessment notReady(Phase phase, String reason, String message) {
      return new Assessment(phase, false, reason, message, null, null);
    }
  }
}
