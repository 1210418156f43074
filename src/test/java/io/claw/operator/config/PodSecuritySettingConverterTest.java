package io.claw.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.claw.operator.api.PodSecurityProfile;

class PodSecuritySettingConverterTest {

  private final PodSecuritySettingConverter converter = new PodSecuritySettingConverter();

  @Test
  void acceptsTheThreeSettingsAndOnlyAutoFollowsTheNamespace() {
    assertEquals(Optional.empty(), converter.convert("auto").forced());
    assertEquals(Optional.of(PodSecurityProfile.RESTRICTED), converter.convert("restricted").forced());
    assertEquals(Optional.of(PodSecurityProfile.BASELINE), converter.convert("baseline").forced());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Restricted", "restricted ", "privileged", "", "AUTO"})
  void rejectsAnythingElseNamingTheSettingAndTheAllowedValues(String value) {
    var e = assertThrows(IllegalArgumentException.class, () -> converter.convert(value));
    assertTrue(e.getMessage().contains("claw.operator.pod-security (env CLAW_OPERATOR_POD_SECURITY): '" + value + "'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Allowed values: auto, restricted, baseline"), e.getMessage());
  }
}
