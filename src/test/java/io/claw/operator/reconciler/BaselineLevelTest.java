package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.PullPolicyRules;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.TagResolution;
import io.claw.operator.config.PodSecuritySetting;
import io.claw.operator.status.PullSecrets;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SysctlBuilder;

/**
 * Every enforced level pre-checked, as the namespace's Pod Security admission would judge the Pod:
 * a namespace that enforces baseline refuses what the baseline checks of pod-security-admission
 * (staging/src/k8s.io/pod-security-admission/policy: check_capabilities_baseline.go,
 * check_privileged.go, check_seccompProfile_baseline.go, check_procMount.go, check_sysctls.go,
 * check_selinuxOptions.go, check_windowsHostProcess.go) refuse, and the status names the control;
 * the warn and audit levels are noted, nothing refused. The 1.20 test bed has no Pod Security
 * admission: parity with a 1.36 API server is by these tables and the restricted ones
 * (RestrictedProfileTest), not by a node.
 */
class BaselineLevelTest {

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final Plan.Settings AUTO = new Plan.Settings(PullPolicyRules.NONE, Optional.empty(), false,
      PodSecuritySetting.AUTO,
      new RunJudgement.PullDeadlines(java.time.Duration.ofSeconds(60), java.time.Duration.ofMinutes(10)));

  private static Plan plan(Consumer<ClawInstance> spec, PodSecurityChoice.NamespaceLevel level) {
    ClawInstance instance = TestInstance.named("web").in("team-a").uid("uid-1").generation(1)
        .image("registry.local/app:1").build();
    spec.accept(instance);
    return Plan.of(new Observed(instance, "registry.local/app:1", ImageParts.of("registry.local/app:1"), null, level,
        Optional.empty(), PullSecrets.NOT_CHECKED, TagResolution.NONE, false, Optional.empty(), null,
        Observed.Owned.NONE), AUTO, NOW);
  }

  private static PodSecurityChoice.NamespaceLevel enforcing(String level) {
    return new PodSecurityChoice.NamespaceLevel(PodSecurityChoice.Access.READ, level);
  }

  static Stream<Arguments> baselineControls() {
    return Stream.of(
        // check_capabilities_baseline.go: adds beyond the default set (NET_ADMIN, as issue 34 met it on 1.36)
        Arguments.of("NET_ADMIN added", (Consumer<ClawInstance>) i -> i.getSpec().setSecurityContext(
            new SecurityContextBuilder().withNewCapabilities().withAdd("NET_ADMIN").endCapabilities().build()),
            "Capabilities: containers[claw].securityContext.capabilities.add must not add NET_ADMIN"),
        // check_privileged.go
        Arguments.of("privileged", (Consumer<ClawInstance>) i -> i.getSpec().setSecurityContext(
            new SecurityContextBuilder().withPrivileged(true).build()),
            "Privileged Containers: containers[claw].securityContext.privileged must not be true"),
        // check_seccompProfile_baseline.go
        Arguments.of("seccomp Unconfined", (Consumer<ClawInstance>) i -> i.getSpec().setPodSecurityContext(
            new PodSecurityContextBuilder().withNewSeccompProfile().withType("Unconfined").endSeccompProfile().build()),
            "Seccomp: securityContext.seccompProfile.type must not be Unconfined"),
        // check_procMount.go
        Arguments.of("procMount Unmasked", (Consumer<ClawInstance>) i -> i.getSpec().setSecurityContext(
            new SecurityContextBuilder().withProcMount("Unmasked").build()),
            "/proc Mount Type: containers[claw].securityContext.procMount must be Default"),
        // check_sysctls.go
        Arguments.of("unsafe sysctl", (Consumer<ClawInstance>) i -> i.getSpec().setPodSecurityContext(
            new PodSecurityContextBuilder().withSysctls(new SysctlBuilder().withName("kernel.msgmax").withValue("1")
                .build()).build()),
            "Sysctls: securityContext.sysctls[kernel.msgmax] is not in the safe set"),
        // check_selinuxOptions.go
        Arguments.of("SELinux type", (Consumer<ClawInstance>) i -> i.getSpec().setPodSecurityContext(
            new PodSecurityContextBuilder().withNewSeLinuxOptions().withType("spc_t").endSeLinuxOptions().build()),
            "SELinux: securityContext.seLinuxOptions.type"),
        // check_windowsHostProcess.go
        Arguments.of("Windows HostProcess", (Consumer<ClawInstance>) i -> i.getSpec().setSecurityContext(
            new SecurityContextBuilder().withNewWindowsOptions().withHostProcess(true).endWindowsOptions().build()),
            "HostProcess: containers[claw].securityContext.windowsOptions.hostProcess must not be true"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("baselineControls")
  void aNamespaceThatEnforcesBaselineRefusesWhatItsChecksRefuseAndTheStatusNamesTheControl(String name,
      Consumer<ClawInstance> spec, String control) {
    Plan plan = plan(spec, enforcing("baseline"));
    PodDecision.Rejected rejected = assertInstanceOf(PodDecision.Rejected.class, plan.pod(), name);
    assertEquals(Reasons.POD_SECURITY_VIOLATION, rejected.why().reason());
    assertTrue(rejected.why().message().startsWith("The Pod would fail the baseline Pod Security Standard that "
        + "namespace team-a enforces (pod-security.kubernetes.io/enforce=baseline): "), rejected.why().message());
    assertTrue(rejected.why().message().contains(control), rejected.why().message());

    // privileged, or no label: the same Pod goes to the API server as before
    assertInstanceOf(PodDecision.Create.class, plan(spec, enforcing("privileged")).pod(), name);
    assertInstanceOf(PodDecision.Create.class, plan(spec, PodSecurityChoice.NamespaceLevel.UNLABELLED).pod(), name);
  }

  @Test
  void whatBaselineAllowsPassesAndTheEnforceVersionIsNamed() {
    Consumer<ClawInstance> allowed = i -> i.getSpec().setSecurityContext(new SecurityContextBuilder()
        .withNewCapabilities().withAdd("NET_BIND_SERVICE", "CHOWN").endCapabilities().build());
    assertInstanceOf(PodDecision.Create.class, plan(allowed, enforcing("baseline")).pod());
    Plan pinned = plan(i -> i.getSpec().setSecurityContext(new SecurityContextBuilder().withPrivileged(true).build()),
        new PodSecurityChoice.NamespaceLevel(PodSecurityChoice.Access.READ, "baseline", "v1.29", null, null));
    String message = assertInstanceOf(PodDecision.Rejected.class, pinned.pod()).why().message();
    assertTrue(message.contains("pod-security.kubernetes.io/enforce-version=v1.29"), message);
  }

  @Test
  void warnAndAuditLevelsAreNotedAndRefuseNothing() {
    Plan plan = plan(i -> i.getSpec().setSecurityContext(new SecurityContextBuilder().withNewCapabilities()
        .withAdd("NET_ADMIN").endCapabilities().build()),
        new PodSecurityChoice.NamespaceLevel(PodSecurityChoice.Access.READ, null, null, "baseline", "restricted"));
    assertInstanceOf(PodDecision.Create.class, plan.pod());
    assertEquals("baseline: Capabilities: containers[claw].securityContext.capabilities.add must not add NET_ADMIN",
        plan.security().warn());
    assertTrue(plan.security().audit().startsWith("restricted: "), plan.security().audit());
    assertTrue(plan.security().audit().contains("Running as Non-root"), plan.security().audit());

    Plan clean = plan(i -> { }, new PodSecurityChoice.NamespaceLevel(PodSecurityChoice.Access.READ, null, null,
        "baseline", null));
    assertNull(clean.security().warn(), "a Pod that passes the warn level has no note");
  }

  @Test
  void aForcedBaselineProfileInANamespaceThatEnforcesRestrictedIsRefusedAhead() {
    Plan.Settings forced = new Plan.Settings(PullPolicyRules.NONE, Optional.empty(), false,
        PodSecuritySetting.parse("baseline").orElseThrow(),
        new RunJudgement.PullDeadlines(java.time.Duration.ofSeconds(60), java.time.Duration.ofMinutes(10)));
    ClawInstance instance = TestInstance.named("web").in("team-a").uid("uid-1").generation(1)
        .image("registry.local/app:1").build();
    Plan plan = Plan.of(new Observed(instance, "registry.local/app:1", ImageParts.of("registry.local/app:1"), null,
        enforcing("restricted"), Optional.empty(), PullSecrets.NOT_CHECKED, TagResolution.NONE, false,
        Optional.empty(), null, Observed.Owned.NONE), forced, NOW);
    String message = assertInstanceOf(PodDecision.Rejected.class, plan.pod()).why().message();
    assertTrue(message.startsWith("The Pod would fail the restricted Pod Security Standard that namespace team-a "
        + "enforces"), message);
    assertTrue(List.of("Running as Non-root", "Seccomp").stream().allMatch(message::contains), message);
  }
}
