package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the effective pull policy of an instance came from. */
public enum PullPolicySource {
  @JsonProperty("spec")
  SPEC("spec"),
  @JsonProperty("operator-default")
  OPERATOR_DEFAULT("operator-default");

  private final String value;

  PullPolicySource(String value) {
    this.value = value;
  }

  @Override
  public String toString() {
    return value;
  }
}
