package io.claw.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The precedence of the levels, each alone and in combination, over a table of cases. */
class EffectivePullPolicyTest {

  private static final PullPolicy A = PullPolicy.ALWAYS;
  private static final PullPolicy I = PullPolicy.IF_NOT_PRESENT;
  private static final PullPolicy N = PullPolicy.NEVER;

  private static final PullPolicyRules RULES = new PullPolicyRules(List.of(
      new PullPolicyRule("harbor", "harbor.example.com", null, null, null, null, true),
      new PullPolicyRule("mirror", "mirror.airgap.local", null, null, null, N, false),
      new PullPolicyRule("hub-latest", "docker.io", null, "latest", PullPolicyRule.Digest.UNPINNED, A, false),
      new PullPolicyRule("pinned", null, null, null, PullPolicyRule.Digest.PINNED, I, false),
      new PullPolicyRule("hub", "docker.io", "library/*", null, null, I, false)));

  static Stream<Arguments> cases() {
    return Stream.of(
        // spec, namespace annotation, image, operator default, spec may override credentials -> policy, source, rule
        row(null, null, "example.org/app:1", null, false, I, PullPolicySource.BUILT_IN, null),
        row(null, null, "example.org/app:1", N, false, N, PullPolicySource.OPERATOR_DEFAULT, null),
        row(null, null, "mirror.airgap.local/app:1", A, false, N, PullPolicySource.RULE, "mirror"),
        row(null, "Always", "mirror.airgap.local/app:1", I, false, A, PullPolicySource.NAMESPACE, null),
        row(N, "Always", "mirror.airgap.local/app:1", I, false, N, PullPolicySource.SPEC, null),
        row(null, "Never", "example.org/app:1", A, false, N, PullPolicySource.NAMESPACE, null),
        row(I, "Never", "example.org/app:1", A, false, I, PullPolicySource.SPEC, null),
        // rules: first match wins, tags and digests
        row(null, null, "nginx", I, false, A, PullPolicySource.RULE, "hub-latest"),
        row(null, null, "nginx:latest", I, false, A, PullPolicySource.RULE, "hub-latest"),
        row(null, null, "docker.io/library/nginx:1.27", N, false, I, PullPolicySource.RULE, "hub"),
        row(null, null, "nginx@sha256:" + "a".repeat(64), N, false, I, PullPolicySource.RULE, "pinned"),
        row(null, null, "nginx:latest@sha256:" + "a".repeat(64), N, false, I, PullPolicySource.RULE, "pinned"),
        row(null, null, "index.docker.io/bitnami/redis:7", N, false, N, PullPolicySource.OPERATOR_DEFAULT, null),
        // credentials: above every level, unless the setting lets the spec choose
        row(null, null, "harbor.example.com/team/app:1", I, false, A, PullPolicySource.RULE, "harbor"),
        row(I, "Never", "harbor.example.com/team/app:1", N, false, A, PullPolicySource.RULE, "harbor"),
        row(null, "IfNotPresent", "harbor.example.com/team/app:1", null, false, A, PullPolicySource.RULE, "harbor"),
        row(I, null, "harbor.example.com/team/app:1", null, true, I, PullPolicySource.SPEC, null),
        row(null, "IfNotPresent", "harbor.example.com/team/app:1", null, true, A, PullPolicySource.RULE, "harbor"),
        // an invalid namespace annotation falls through to the next level
        row(null, "always", "example.org/app:1", N, false, N, PullPolicySource.OPERATOR_DEFAULT, null),
        row(null, "", "mirror.airgap.local/app:1", null, false, N, PullPolicySource.RULE, "mirror"),
        row(null, "IfNotPresent ", "example.org/app:1", null, false, I, PullPolicySource.BUILT_IN, null),
        // no image (the instance reports NoImage): no rule can match
        row(null, null, null, null, false, I, PullPolicySource.BUILT_IN, null));
  }

  private static Arguments row(PullPolicy spec, String namespaceDefault, String image, PullPolicy operatorDefault,
      boolean specOverrides, PullPolicy policy, PullPolicySource source, String rule) {
    return Arguments.of(spec, namespaceDefault, image, operatorDefault, specOverrides, policy, source, rule);
  }

  @ParameterizedTest(name = "spec {0}, namespace {1}, {2}, default {3}, spec overrides credentials {4} -> {5} from {6} {7}")
  @MethodSource("cases")
  void mostSpecificLevelWins(PullPolicy spec, String namespaceDefault, String image, PullPolicy operatorDefault,
      boolean specOverrides, PullPolicy policy, PullPolicySource source, String rule) {
    EffectivePullPolicy effective = resolve(spec, namespaceDefault, image, operatorDefault, specOverrides);
    assertEquals(policy, effective.policy(), effective::toString);
    assertEquals(source, effective.source(), effective::toString);
    assertEquals(rule, effective.rule(), effective::toString);
  }

  @Test
  void anInvalidNamespaceAnnotationIsSaidWithTheAllowedValues() {
    EffectivePullPolicy effective = resolve(null, "always", "example.org/app:1", null, false);
    assertEquals(Reasons.INVALID_NAMESPACE_DEFAULT, effective.notice().reason());
    assertEquals("Namespace team-a has claw.io/default-pull-policy='always', which is not one of Always, "
        + "IfNotPresent, Never (case-sensitive): ignored, the next level applies", effective.notice().message());
    assertEquals(Reasons.INVALID_NAMESPACE_DEFAULT,
        resolve(null, "sometimes", "mirror.airgap.local/app:1", null, false).notice().reason());
  }

  @Test
  void aCredentialsRuleSaysWhatItOverrode() {
    EffectivePullPolicy overSpec = resolve(N, null, "harbor.example.com/team/app:1", null, false);
    assertEquals(Reasons.CREDENTIALS_REQUIRED, overSpec.notice().reason());
    assertTrue(overSpec.notice().message().startsWith("spec.pullPolicy Never is not applied: images of "
        + "harbor.example.com need credentials (rule harbor)"), overSpec.notice().message());
    assertTrue(overSpec.notice().message().contains("claw.operator.spec-overrides-credentials-required=true"));

    EffectivePullPolicy overNamespace = resolve(null, "IfNotPresent", "harbor.example.com/team/app:1", null, false);
    assertTrue(overNamespace.notice().message().startsWith("The namespace default IfNotPresent "
        + "(claw.io/default-pull-policy) is not applied"), overNamespace.notice().message());

    assertNull(resolve(A, null, "harbor.example.com/team/app:1", null, false).notice(), "Always overrides nothing");
    assertNull(resolve(null, null, "harbor.example.com/team/app:1", N, false).notice(),
        "the operator default is what rules are for");
    assertNull(resolve(null, null, "example.org/app:1", null, false).notice());
  }

  @Test
  void aCredentialsRuleAppliesWhereverItStandsInTheList() {
    PullPolicyRules openFirst = new PullPolicyRules(List.of(
        new PullPolicyRule("all", null, null, null, null, I, false),
        new PullPolicyRule("private", "private.example.com", null, null, null, null, true)));
    EffectivePullPolicy effective = EffectivePullPolicy.resolve(new EffectivePullPolicy.Inputs(null, "team-a", null,
        ImageParts.of("private.example.com/app:1"), openFirst, Optional.empty(), false));
    assertEquals(A, effective.policy());
    assertEquals("private", effective.rule());
  }

  private static EffectivePullPolicy resolve(PullPolicy spec, String namespaceDefault, String image,
      PullPolicy operatorDefault, boolean specOverrides) {
    return EffectivePullPolicy.resolve(new EffectivePullPolicy.Inputs(spec, "team-a", namespaceDefault,
        image == null ? null : ImageParts.of(image), RULES, Optional.ofNullable(operatorDefault), specOverrides));
  }
}
