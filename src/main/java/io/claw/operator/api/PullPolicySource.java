package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the effective pull policy of an instance came from, most specific first. */
public enum PullPolicySource {
  @JsonProperty("spec")
  SPEC("spec"),
  @JsonProperty("namespace")
  NAMESPACE("namespace"),
  @JsonProperty("rule")
  RULE("rule"),
  @JsonProperty("operator-default")
  OPERATOR_DEFAULT("operator-default"),
  @JsonProperty("built-in")
  BUILT_IN("built-in");

  private final String value;

  PullPolicySource(String value) {
    this.value = value;
  }

  @Override
  public String toString() {
    return value;
  }
}
