package io.claw.operator.reconciler;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PodSecurityReport;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicyRules;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.TagResolution;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.config.PodSecuritySetting;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.pod.RestrictedProfile;
import io.claw.operator.pod.SpecProblems;
import io.claw.operator.status.PullSecrets;
import io.claw.operator.status.Rejection;
import io.claw.operator.status.TagReport;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What one reconcile decided, from what it observed alone ({@link #of}, pure): the pull policy,
 * the Pod Security profile, the digest, whether the spec can be built, the desired Pod and what to
 * do about the live one. Each owned kind has its entry here.
 *
 * @param tag the status's resolvedImage and ImageUpToDate; null for an instance that does not resolve tags
 * @param podImage the image the Pod is to run (by digest for a resolved tag); null without an image
 *     or while no digest is known
 * @param desired the Pod the instance should have; null when none can be built
 * @param pod what to do about the instance's Pod
 * @param followTag whether the instance stays a follower of its tag's resolution
 * @param claim what to do about the instance's claim (spec.storage)
 * @param service what to do about the instance's Service (spec.service)
 * @param run where a run to completion stands; null for an instance that runs for ever
 * @param pullAhead for an image-only change of the live Pod, whether it moves now or its new image is
 *     pulled onto its node first ({@link #pullingAhead}); null otherwise
 */
record Plan(EffectivePullPolicy policy, PodSecurityReport security, TagReport tag, String podImage, Pod desired,
    PodDecision pod, boolean followTag, OwnedClaim.Decision claim, OwnedService.Decision service, RunJudgement run,
    PullAhead pullAhead) {

  Plan(EffectivePullPolicy policy, PodSecurityReport security, TagReport tag, String podImage, Pod desired,
      PodDecision pod, boolean followTag, OwnedClaim.Decision claim, OwnedService.Decision service, RunJudgement run) {
    this(policy, security, tag, podImage, desired, pod, followTag, claim, service, run, null);
  }

  /** The live Pod whose image only is to change, if that is the plan: then the pull ahead is decided. */
  Optional<Pod> imageChange() {
    return pod instanceof PodDecision.PatchImage patch ? Optional.of(patch.pod()) : Optional.empty();
  }

  /**
   * The plan once the pull ahead is decided (pure, {@link PullAhead#decide}): a Pod that stays on
   * its old image until the node holds the new one is kept as it is.
   */
  Plan pullingAhead(PullAhead ahead) {
    PodDecision decision = pod instanceof PodDecision.PatchImage patch && ahead.holdsBack()
        ? new PodDecision.Keep(patch.pod()) : pod;
    return new Plan(policy, security, tag, podImage, desired, decision, followTag, claim, service, run, ahead);
  }

  /** The Pod moves to the new image now after all: the puller was refused and the operator's setting allows it. */
  Plan switchingNow() {
    Pod live = pod instanceof PodDecision.Keep keep ? keep.pod() : null;
    return live == null ? this : new Plan(policy, security, tag, podImage, desired, new PodDecision.PatchImage(live),
        followTag, claim, service, run, new PullAhead.Switch(PullAhead.Why.REFUSED));
  }

  /** The operator's settings that a plan follows. */
  record Settings(PullPolicyRules rules, Optional<PullPolicy> defaultPullPolicy, boolean specOverridesCredentialsRequired,
      PodSecuritySetting podSecurity, RunJudgement.PullDeadlines pullDeadlines) {

    static Settings of(ClawOperatorConfig config) {
      return new Settings(config.pullPolicyRules(), config.defaultPullPolicy(), config.specOverridesCredentialsRequired(),
          config.podSecurity(), new RunJudgement.PullDeadlines(config.run().pullFailureDeadline(),
              config.run().passingPullFailureDeadline()));
    }
  }

  static Plan of(Observed observed, Settings settings, Instant now) {
    ClawInstance instance = observed.instance();
    String namespace = instance.getMetadata().getNamespace();
    EffectivePullPolicy policy = EffectivePullPolicy.resolve(new EffectivePullPolicy.Inputs(
        instance.getSpec().getPullPolicy(), namespace, observed.namespacePullPolicy(), observed.parts(),
        settings.rules(), settings.defaultPullPolicy(), settings.specOverridesCredentialsRequired()));
    PodSecurityReport security = PodSecurityChoice.choose(settings.podSecurity(), namespace, observed.namespaceLevel());
    // an instance that cannot name its claim or Service makes neither; its spec is refused below
    boolean buildable = SpecProblems.of(instance).isEmpty();
    OwnedClaim.Decision claim = buildable
        ? OwnedClaim.decide(instance, observed.owned().claim(), observed.owned().refusedClaimSize())
        : new OwnedClaim.None();
    OwnedService.Decision service = buildable ? OwnedService.decide(instance, observed.owned().service())
        : new OwnedService.None();
    if (instance.getSpec().stopped()) {
      return new Plan(policy, security, null, null, null, new PodDecision.Stop(observed.livePod()), false, claim,
          service, null);
    }
    RunJudgement run = instance.getSpec().runsToCompletion()
        ? RunJudgement.judge(instance.getSpec().getRun(), observed.previousStatus(), observed.livePod(),
            settings.pullDeadlines(), now)
        : null;
    if (observed.image() == null) {
      return new Plan(policy, security, null, null, null, new PodDecision.NoImage(), false, claim, service, run);
    }
    Optional<DigestChoice> digest = observed.resolvesTag() ? Optional.of(digest(observed, now)) : Optional.empty();
    TagReport tag = digest.map(DigestChoice::report).orElseGet(() -> notResolved(observed));
    boolean follow = digest.map(DigestChoice::follow).orElse(false);
    String podImage = digest.isPresent() ? digest.get().image() : observed.image();
    if (podImage == null) {
      return new Plan(policy, security, tag, null, null, new PodDecision.AwaitDigest(observed.livePod()), follow, claim,
          service, run);
    }
    Pod desired = ClawPod.desired(instance, podImage, policy.policy(), security.profile());
    if (digest.isPresent()) {
      desired.getMetadata().getAnnotations().put(Labels.RESOLVED_FROM, observed.image());
    }
    security = PodSecurityChoice.noted(security, observed.namespaceLevel(), desired.getSpec());
    PodDecision decision = rejection(instance, desired, security, observed.namespaceLevel())
        .<PodDecision>map(why -> new PodDecision.Rejected(why, observed.livePod()))
        .orElseGet(() -> RunJudgement.podDecision(run, observed.livePod()).orElseGet(() -> PodDecision.decide(instance,
            observed.livePod(), desired, secretsAppeared(instance, observed.pullSecrets()), now)));
    return new Plan(policy, security, tag, podImage, desired, decision, follow && !RunJudgement.ended(run), claim,
        service, run);
  }

  private static DigestChoice digest(Observed observed, Instant now) {
    ClawInstanceStatus previous = observed.previousStatus();
    return DigestChoice.decide(observed.tagResolution(), observed.image(), observed.parts(), observed.livePod(),
        observed.registryAnswer(), previous == null ? null : previous.resolvedImage(),
        previous == null ? null : previous.condition(ClawCondition.IMAGE_UP_TO_DATE).orElse(null), now);
  }

  /** The ImageUpToDate report of an instance that asks for resolution on a registry never asked; else none. */
  private static TagReport notResolved(Observed observed) {
    boolean asked = observed.tagResolution() != TagResolution.NONE && !observed.parts().pinned();
    return asked && observed.neverResolves() ? DigestChoice.notResolved(observed.image(), observed.parts().registry())
        : null;
  }

  /**
   * Why the desired Pod is not to be created: a spec that cannot make a valid Pod, or a Pod that
   * fails the Pod Security level that applies: restricted where the operator builds restricted Pods,
   * else the level the namespace enforces (baseline, or restricted under a forced baseline profile).
   * A namespace that enforces a level refuses such a Pod; the status names the controls instead.
   */
  static Optional<Rejection> rejection(ClawInstance instance, Pod desired, PodSecurityReport security,
      PodSecurityChoice.NamespaceLevel level) {
    List<String> problems = SpecProblems.of(instance);
    if (!problems.isEmpty()) {
      return Optional.of(new Rejection(Reasons.INVALID_SPEC, "The spec cannot be built into a Pod: "
          + String.join("; ", problems)));
    }
    boolean restrictedProfile = security.profile() == PodSecurityProfile.RESTRICTED;
    String enforced = restrictedProfile ? PodSecurityProfile.RESTRICTED.value() : level.enforce();
    List<RestrictedProfile.Violation> violations = RestrictedProfile.violations(enforced, desired.getSpec());
    if (violations.isEmpty()) {
      return Optional.empty();
    }
    String failed = violations.stream().map(RestrictedProfile.Violation::toString).collect(Collectors.joining("; "));
    if (restrictedProfile) {
      return Optional.of(new Rejection(Reasons.POD_SECURITY_VIOLATION,
          "The Pod would fail the restricted Pod Security Standard (" + security.reason() + "): " + failed
              + ". Change those fields, or run the instance where the restricted profile does not apply"));
    }
    String namespace = instance.getMetadata().getNamespace();
    return Optional.of(new Rejection(Reasons.POD_SECURITY_VIOLATION, "The Pod would fail the " + enforced
        + " Pod Security Standard that namespace " + namespace + " enforces (" + PodSecurityProfile.ENFORCE_LABEL + "="
        + enforced + (level.enforceVersion() == null ? "" : ", " + PodSecurityProfile.ENFORCE_VERSION_LABEL + "="
            + level.enforceVersion()) + "): " + failed + ". Change those fields, or run the instance in a namespace "
        + "whose level admits them"));
  }

  /** The status said a pull secret was missing, and now every one exists. */
  private static boolean secretsAppeared(ClawInstance instance, PullSecrets now) {
    return now.result() == PullSecrets.Result.FOUND && instance.getStatus() != null
        && instance.getStatus().condition(ClawCondition.PULL_SECRETS_FOUND)
            .map(c -> ClawCondition.FALSE.equals(c.status())).orElse(false);
  }
}
