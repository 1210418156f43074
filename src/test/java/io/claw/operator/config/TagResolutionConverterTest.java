package io.claw.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.claw.operator.api.TagResolution;

class TagResolutionConverterTest {

  @ParameterizedTest
  @CsvSource({"none, NONE", "pin, PIN", "track, TRACK"})
  void theThreeModes(String value, TagResolution expected) {
    assertEquals(expected, new TagResolutionConverter().convert(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Track", "tracking", " pin", "always"})
  void anythingElseStopsStartupNamingTheSetting(String value) {
    var e = assertThrows(IllegalArgumentException.class, () -> new TagResolutionConverter().convert(value));
    assertEquals("Invalid claw.operator.tag-resolution.default-mode (env CLAW_OPERATOR_TAG_RESOLUTION_DEFAULT_MODE): '"
        + value + "'. Allowed values: none, pin, track (case-sensitive).", e.getMessage());
  }
}
