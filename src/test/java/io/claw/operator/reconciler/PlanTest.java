package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicyRules;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.TagResolution;
import io.claw.operator.config.PodSecuritySetting;
import io.claw.operator.pod.Labels;
import io.claw.operator.registry.TagResolver.Resolution;
import io.claw.operator.status.PullSecrets;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.Pod;

/** The plan stage over what was observed: every kind of decision, from observations alone. */
class PlanTest {

  private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final Plan.Settings SETTINGS = new Plan.Settings(PullPolicyRules.NONE, Optional.empty(), false,
      PodSecuritySetting.AUTO,
      new RunJudgement.PullDeadlines(java.time.Duration.ofSeconds(60), java.time.Duration.ofMinutes(10)));
  private static final TestInstance WEB = TestInstance.named("web").in("ns").uid("uid-1").generation(1);

  private static Observed observed(ClawInstance instance, String image, TagResolution mode, Optional<Resolution> answer) {
    return new Observed(instance, image, image == null ? null : ImageParts.of(image), null,
        PodSecurityChoice.NamespaceLevel.UNLABELLED, Optional.empty(), PullSecrets.NOT_CHECKED, mode, false, answer, null,
        Observed.Owned.NONE);
  }

  @Test
  void noImageTouchesNoPodAndFollowsNoTag() {
    Plan plan = Plan.of(observed(WEB.build(), null, TagResolution.NONE, Optional.empty()), SETTINGS, NOW);
    assertInstanceOf(PodDecision.NoImage.class, plan.pod());
    assertNull(plan.desired());
    assertNull(plan.tag());
    assertFalse(plan.followTag());
    assertEquals(PullPolicySource.BUILT_IN, plan.policy().source());
  }

  @Test
  void anImageByTagWithoutResolutionCreatesThePodAsWritten() {
    Plan plan = Plan.of(observed(WEB.image("nginx:1.27").pullPolicy(PullPolicy.ALWAYS).build(), "nginx:1.27",
        TagResolution.NONE, Optional.empty()), SETTINGS, NOW);
    assertInstanceOf(PodDecision.Create.class, plan.pod());
    assertEquals("nginx:1.27", plan.podImage());
    assertEquals("Always", plan.desired().getSpec().getContainers().get(0).getImagePullPolicy());
    assertFalse(plan.followTag());
  }

  @Test
  void aTrackedTagWithoutADigestYetWaitsAndFollows() {
    Plan plan = Plan.of(observed(WEB.image("registry.local/app:1").build(), "registry.local/app:1",
        TagResolution.TRACK, Optional.empty()), SETTINGS, NOW);
    assertEquals(new PodDecision.AwaitDigest(Optional.empty()), plan.pod());
    assertNull(plan.podImage());
    assertTrue(plan.followTag());
    assertEquals(Reasons.RESOLVING_TAG, plan.tag().condition().reason());
  }

  @Test
  void aResolvedTagRunsByDigestAndSaysWhereItCameFrom() {
    Plan plan = Plan.of(observed(WEB.image("registry.local/app:1").build(), "registry.local/app:1",
        TagResolution.TRACK, Optional.of(new Resolution(DIGEST, NOW, null, null))), SETTINGS, NOW);
    assertInstanceOf(PodDecision.Create.class, plan.pod());
    assertEquals("registry.local/app@" + DIGEST, plan.podImage());
    Pod desired = plan.desired();
    assertEquals("registry.local/app:1", desired.getMetadata().getAnnotations().get(Labels.RESOLVED_FROM));
    assertEquals(ClawCondition.TRUE, plan.tag().condition().status());
    assertTrue(plan.followTag());
  }

  @Test
  void aSpecThatCannotMakeAPodIsRejectedAndLeavesTheLivePodAlone() {
    ClawInstance instance = WEB.image("nginx:1.27").build();
    instance.getSpec().setAutomountServiceAccountToken(true);
    Plan plan = Plan.of(observed(instance, "nginx:1.27", TagResolution.NONE, Optional.empty()), SETTINGS, NOW);
    PodDecision.Rejected rejected = assertInstanceOf(PodDecision.Rejected.class, plan.pod());
    assertEquals(Reasons.INVALID_SPEC, rejected.why().reason());
    assertEquals(Optional.empty(), rejected.live());
  }

  @Test
  void aStoppedInstanceStopsItsPodFollowsNoTagAndStillPlansItsClaimAndService() {
    ClawInstance instance = WEB.image("registry.local/app:1").build();
    instance.getSpec().setStopped(true);
    io.claw.operator.testing.Fixtures.withClaimAndService(instance);
    Plan plan = Plan.of(observed(instance, "registry.local/app:1", TagResolution.TRACK, Optional.empty()), SETTINGS, NOW);
    assertEquals(new PodDecision.Stop(Optional.empty()), plan.pod());
    assertFalse(plan.followTag(), "a stopped instance asks the registry nothing");
    assertNull(plan.desired());
    assertInstanceOf(OwnedClaim.Create.class, plan.claim());
    assertInstanceOf(OwnedService.Create.class, plan.service());
  }

  @Test
  void anInstanceWhoseNameCannotNameAServiceMakesNoneAndIsRejected() {
    ClawInstance instance = TestInstance.named("1st.desk").in("ns").uid("uid-1").image("app:1").build();
    instance.getSpec().setPort(3001);
    instance.getSpec().setService(new io.claw.operator.api.InstanceService());
    Plan plan = Plan.of(observed(instance, "app:1", TagResolution.NONE, Optional.empty()), SETTINGS, NOW);
    assertInstanceOf(OwnedService.None.class, plan.service());
    PodDecision.Rejected rejected = assertInstanceOf(PodDecision.Rejected.class, plan.pod());
    assertTrue(rejected.why().message().contains("spec.service needs an instance name that can name a Service"),
        rejected.why().message());
  }
}
