package io.claw.operator.config;

import org.eclipse.microprofile.config.spi.Converter;

import io.claw.operator.api.PullPolicy;

/**
 * Strict on purpose: the value must be spelled exactly as in a Pod spec. A typo such as
 * "always " stops the operator instead of silently meaning something else.
 */
public class PullPolicyConverter implements Converter<PullPolicy> {

  @Override
  public PullPolicy convert(String value) {
    return PullPolicy.parse(value).orElseThrow(() -> new IllegalArgumentException(
        "Invalid " + ClawOperatorConfig.DEFAULT_PULL_POLICY + " (env CLAW_OPERATOR_DEFAULT_PULL_POLICY): '"
            + value + "'. Allowed values: " + PullPolicy.allowedValues()
            + " (case-sensitive, no surrounding blanks)."));
  }
}
