package io.claw.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PullPolicyRuleTest {

  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource({
      "team/*, team/app, true",
      "team/*, team/sub/app, false",
      "team/**, team/sub/app, true",
      "**, a/b/c, true",
      "*.corp.example, harbor.corp.example, true",
      "*.corp.example, corp.example, false",
      "v*, v1.2, true",
      "v*, 1.2, false",
      "latest, latest-arm, false",
      "app.v1, appxv1, false",
      "registry.local:*, registry.local:5000, true",
  })
  void globs(String glob, String text, boolean matches) {
    assertEquals(matches, PullPolicyRule.compile(glob).matcher(text).matches());
  }

  /** Registries as the kubelet matches a pull secret's key (RegistryGlob; keyring.go URLsMatch). */
  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource({
      "*.corp.example, harbor.corp.example, true",
      "*.corp.example, a.b.corp.example, false",
      "*.corp.example, corp.example, false",
      "harbor.*.example, harbor.corp.example, true",
      "*-cache.example.com, eu-cache.example.com, true",
      "registry.local, registry.local:5000, false",
      "registry.local:5000, registry.local:5000, true",
      "registry.local:5000, registry.local:5001, false",
      "docker.io, docker.io, true",
      "h[a-z]rbor.example.com, harbor.example.com, true",
  })
  void registries(String glob, String registry, boolean matches) {
    assertEquals(matches, RegistryGlob.matches(glob, registry));
  }
}
