package io.claw.operator.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  private static final String SHA256 = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest
  @ValueSource(strings = {
      "nginx",
      "nginx:1.27",
      "library/nginx:latest",
      "registry.example.com/team/app:1.4",
      "registry.example.com:5000/team/app",
      "localhost:5000/app:dev",
      "Registry.Example.com/app:1.0_rc-1",
      "[2001:db8::1]:5000/app:1",
      "a__b/c--d/e.f:TAG",
      "app@" + SHA256,
      "registry.example.com/app:1.4@" + SHA256,
  })
  void acceptsWhatRuntimesPull(String reference) {
    assertTrue(ImageReference.isValid(reference), reference);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "nginx:",
      "Nginx:1.27",
      "team/App",
      "nginx :1.27",
      " nginx",
      "nginx:1.27 ",
      "registry.example.com:/app",
      "app:-tag",
      "app@sha256:tooshort",
      "app@" + SHA256 + ":1",
      "registry.example.com//app",
      "app/",
      "-app",
      "https://registry.example.com/app",
  })
  void refusesWhatRuntimesReportAsInvalidImageName(String reference) {
    assertFalse(ImageReference.isValid(reference), reference);
  }

  @Test
  void refusesReferencesLongerThanTheLimit() {
    String atTheLimit = "a".repeat(ImageReference.MAX_LENGTH - 4) + ":1.0";
    assertTrue(ImageReference.isValid(atTheLimit));
    assertFalse(ImageReference.isValid("a" + atTheLimit));
  }
}
