package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the effective pull policy of an instance came from. */
public enum PullPolicySource {
  @JsonProperty("spec")
  SPEC,
  @JsonProperty("operator-default")
  OPERATOR_DEFAULT
}
