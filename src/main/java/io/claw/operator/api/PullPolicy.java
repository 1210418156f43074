package io.claw.operator.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The container image pull policy, spelled exactly as Kubernetes spells it. */
public enum PullPolicy {
  @JsonProperty("Always")
  ALWAYS("Always"),
  @JsonProperty("IfNotPresent")
  IF_NOT_PRESENT("IfNotPresent"),
  @JsonProperty("Never")
  NEVER("Never");

  private final String value;

  PullPolicy(String value) {
    this.value = value;
  }

  /** The value as written in a Pod spec. */
  public String value() {
    return value;
  }

  /** Exact, case-sensitive match, as the Kubernetes API itself requires. */
  public static Optional<PullPolicy> parse(String text) {
    return Arrays.stream(values()).filter(p -> p.value.equals(text)).findFirst();
  }

  /** "Always, IfNotPresent, Never": for error messages. */
  public static String allowedValues() {
    return Arrays.stream(values()).map(PullPolicy::value).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return value;
  }
}
