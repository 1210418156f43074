package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.claw.operator.api.PullPolicyRule;
import io.claw.operator.api.TagResolution;

class TagResolutionSetupTest {

  @ParameterizedTest(name = "spec {0}, rule {1}, default {2}: {3}")
  @CsvSource(nullValues = "-", value = {
      "-,     -,     none,  none",
      "-,     -,     track, track",
      "-,     pin,   track, pin",
      "none,  pin,   track, none",
      "track, none,  none,  track"})
  void specThenRuleThenDefault(String spec, String rule, String operatorDefault, String expected) {
    Optional<PullPolicyRule> matching = Optional.ofNullable(rule).map(r -> new PullPolicyRule("r", null, null, null,
        null, null, false, TagResolution.parse(r).orElseThrow()));
    assertEquals(TagResolution.parse(expected).orElseThrow(), TagResolutionSetup.mode(
        spec == null ? null : TagResolution.parse(spec).orElseThrow(), matching,
        TagResolution.parse(operatorDefault).orElseThrow()));
  }

  @Test
  void endpointsAreNameEqualsUrl() {
    assertEquals(Map.of("registry.local", URI.create("http://127.0.0.1:5000"),
            "mirror.local:5443", URI.create("https://10.0.0.6:5443")),
        TagResolutionSetup.endpoints(List.of(" registry.local = http://127.0.0.1:5000", "mirror.local:5443=https://10.0.0.6:5443", "")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"registry.local", "registry.local=", "=http://x", "registry.local=ftp://x",
      "registry.local=http://", "registry.local=not a url"})
  void aMalformedEndpointStopsStartupNamingTheSetting(String entry) {
    var e = assertThrows(IllegalArgumentException.class, () -> TagResolutionSetup.endpoints(List.of(entry)));
    assertTrue(e.getMessage().contains("claw.operator.tag-resolution.endpoints") && e.getMessage().contains(entry.trim()),
        e.getMessage());
  }

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @CsvSource({
      "*.node-only.local,   a.node-only.local,   true",
      "*.node-only.local,   node-only.local,     false",
      "registry.local:5000, registry.local:5000, true",
      "registry.local:5000, registry.local,      false",
      "registry.local,      registry.local:5000, false",
      "registry.*,          registry.local:5000, true"})
  void neverResolveGlobs(String glob, String registry, boolean never) {
    assertEquals(never, TagResolutionSetup.neverResolves(TagResolutionSetup.globs(List.of(glob)), registry));
  }
}
