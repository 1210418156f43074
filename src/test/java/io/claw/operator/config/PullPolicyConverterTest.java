package io.claw.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.claw.operator.api.PullPolicy;

class PullPolicyConverterTest {

  private final PullPolicyConverter converter = new PullPolicyConverter();

  @Test
  void acceptsTheKubernetesSpellings() {
    assertEquals(PullPolicy.ALWAYS, converter.convert("Always"));
    assertEquals(PullPolicy.IF_NOT_PRESENT, converter.convert("IfNotPresent"));
    assertEquals(PullPolicy.NEVER, converter.convert("Never"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"always", "always ", " Always", "ALWAYS", "Sometimes", "ifnotpresent", " "})
  void rejectsAnythingElseNamingTheSettingAndTheAllowedValues(String value) {
    var e = assertThrows(IllegalArgumentException.class, () -> converter.convert(value));
    assertTrue(e.getMessage().contains("claw.operator.default-pull-policy"), e.getMessage());
    assertTrue(e.getMessage().contains("CLAW_OPERATOR_DEFAULT_PULL_POLICY"), e.getMessage());
    assertTrue(e.getMessage().contains("Always, IfNotPresent, Never"), e.getMessage());
    assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx :1", "nginx\t", " registry.example.com/app", "", "Team/App:1", "app:"})
  void invalidImageReferencesAreRejected(String value) {
    var e = assertThrows(IllegalArgumentException.class, () -> new ImageConverter().convert(value));
    assertTrue(e.getMessage().contains("claw.operator.default-image"), e.getMessage());
  }

  @Test
  void aPlainImageIsAccepted() {
    assertEquals("registry.example.com/team/app:1.4", new ImageConverter().convert("registry.example.com/team/app:1.4"));
  }
}
