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
  /** The version of the standard enforced: v1.N or latest (pod-security-admission, api/constants.go). */
  public static final String ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";
  /** The level whose violations the API server returns as warnings, admitting the Pod. */
  public static final String WARN_LABEL = "pod-security.kubernetes.io/warn";
  /** The level whose violations the API server writes to its audit log, admitting the Pod. */
  public static final String AUDIT_LABEL = "pod-security.kubernetes.io/audit";

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
