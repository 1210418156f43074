package io.claw.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicyRule;
import io.claw.operator.api.PullPolicyRules;

class PullPolicyRulesConverterTest {

  private final PullPolicyRulesConverter converter = new PullPolicyRulesConverter();

  @Test
  void theDocumentedExamplesConvert() {
    PullPolicyRules rules = converter.convert("""
        [{"name": "airgap-mirror", "registry": "mirror.airgap.local", "pullPolicy": "Never"},
         {"name": "harbor", "registry": "harbor.example.com", "credentialsRequired": true},
         {"name": "hub-latest", "registry": "docker.io", "tag": "latest", "digest": "unpinned", "pullPolicy": "Always"},
         {"name": "hub", "registry": "docker.io", "repository": "library/**", "pullPolicy": "IfNotPresent"}]""");
    assertEquals(List.of(
        new PullPolicyRule("airgap-mirror", "mirror.airgap.local", null, null, null, PullPolicy.NEVER, false),
        new PullPolicyRule("harbor", "harbor.example.com", null, null, null, null, true),
        new PullPolicyRule("hub-latest", "docker.io", null, "latest", PullPolicyRule.Digest.UNPINNED,
            PullPolicy.ALWAYS, false),
        new PullPolicyRule("hub", "docker.io", "library/**", null, null, PullPolicy.IF_NOT_PRESENT, false)),
        rules.list());
    assertEquals(PullPolicyRules.NONE, converter.convert("[]"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"name\": \"a\"} | expected a list of rules, got object",
      "[{\"name\": \"a\", \"pullPolicy\": \"Always\"} | not JSON",
      "[\"a\"] | rule 1: expected an object",
      "[{\"pullPolicy\": \"Always\"}] | rule 1: name '' is required",
      "[{\"name\": \"Harbor\", \"pullPolicy\": \"Always\"}] | rule 1: name 'Harbor' is required, lower-case",
      "[{\"name\": \"a\", \"pullPolicy\": \"Always\"}, {\"name\": \"b\", \"pullPolicy\": \"always\"}] "
          + "| rule 2 (b): pullPolicy 'always' is not one of Always, IfNotPresent, Never (case-sensitive)",
      "[{\"name\": \"a\", \"registry\": \"x\"}] | rule 1 (a): pullPolicy is required (Always, IfNotPresent, Never) unless the rule sets tagResolution or credentialsRequired",
      "[{\"name\": \"a\", \"pullpolicy\": \"Always\"}] | rule 1 (a): unknown key 'pullpolicy'. Allowed keys: name,",
      "[{\"name\": \"a\", \"pullPolicy\": \"Always\"}, {\"name\": \"a\", \"pullPolicy\": \"Never\"}] "
          + "| rule 2 (a): the name is used by an earlier rule",
      "[{\"name\": \"a\", \"digest\": \"yes\", \"pullPolicy\": \"Always\"}] | rule 1 (a): digest 'yes' is not one of pinned, unpinned",
      "[{\"name\": \"a\", \"credentialsRequired\": \"true\"}] | rule 1 (a): credentialsRequired must be true or false",
      "[{\"name\": \"a\", \"credentialsRequired\": true, \"pullPolicy\": \"IfNotPresent\"}] "
          + "| rule 1 (a): credentialsRequired makes the policy Always, so pullPolicy cannot be IfNotPresent",
      "[{\"name\": \"a\", \"registry\": \"https://harbor.example.com\", \"pullPolicy\": \"Always\"}] "
          + "| rule 1 (a): registry 'https://harbor.example.com' is not a host[:port]",
      "[{\"name\": \"a\", \"repository\": \"Team/App\", \"pullPolicy\": \"Always\"}] | rule 1 (a): repository 'Team/App' is not a path",
      "[{\"name\": \"a\", \"tag\": \":latest\", \"pullPolicy\": \"Always\"}] | rule 1 (a): tag ':latest' is not a tag",
      "[{\"name\": \"a\", \"tag\": \"\", \"pullPolicy\": \"Always\"}] | rule 1 (a): tag '' is not a tag",
      "[{\"name\": \"a\", \"tag\": 1, \"pullPolicy\": \"Always\"}] | rule 1 (a): tag must be a string, got 1",
  })
  void anInvalidRuleIsRefusedNamingItAndTheSetting(String json, String expected) {
    var e = assertThrows(IllegalArgumentException.class, () -> converter.convert(json));
    assertTrue(e.getMessage().startsWith("Invalid claw.operator.pull-policy-rules (env CLAW_OPERATOR_PULL_POLICY_RULES): "),
        e.getMessage());
    assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
  }
}
