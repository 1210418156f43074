package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The Pod Security Standard the operator builds an instance's Pod to, spelled as the namespace labels spell it. */
public enum PodSecurityProfile {
  /** The Pod hardening the restricted standard requires: non-root, seccomp RuntimeDefault, no privilege escalation, no capabilities. */
  @JsonProperty("restricted")
  RESTRICTED("restricted"),
  /** The Pod as the instance describes it, with nothing added: what the baseline standard admits by default. */
  @JsonProperty("baseline")
  BASELINE("baseline");

  /** The Namespace label Pod Security admission enforces, whose value is a profile's name. */
  public static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

  private final String value;

  PodSecurityProfile(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
