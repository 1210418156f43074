package io.claw.operator.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import io.claw.operator.api.PodSecurityProfile;

/** The operator-wide choice of Pod Security profile: follow each namespace, or force one. */
public enum PodSecuritySetting {
  /** restricted in namespaces that enforce restricted, baseline elsewhere. */
  AUTO("auto", null),
  RESTRICTED("restricted", PodSecurityProfile.RESTRICTED),
  BASELINE("baseline", PodSecurityProfile.BASELINE);

  private final String value;
  private final PodSecurityProfile forced;

  PodSecuritySetting(String value, PodSecurityProfile forced) {
    this.value = value;
    this.forced = forced;
  }

  /** The profile every Pod gets, whatever its namespace; empty for auto. */
  public Optional<PodSecurityProfile> forced() {
    return Optional.ofNullable(forced);
  }

  public static Optional<PodSecuritySetting> parse(String text) {
    return Arrays.stream(values()).filter(s -> s.value.equals(text)).findFirst();
  }

  public static String allowedValues() {
    return Arrays.stream(values()).map(s -> s.value).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return value;
  }
}
