package io.claw.operator.config;

import org.eclipse.microprofile.config.spi.Converter;

import io.claw.operator.api.TagResolution;

/** Strict, like the pull policy: a typo stops the operator instead of meaning none. */
public class TagResolutionConverter implements Converter<TagResolution> {

  @Override
  public TagResolution convert(String value) {
    return TagResolution.parse(value).orElseThrow(() -> new IllegalArgumentException(
        "Invalid " + ClawOperatorConfig.TAG_RESOLUTION + ".default-mode (env CLAW_OPERATOR_TAG_RESOLUTION_DEFAULT_MODE): '"
            + value + "'. Allowed values: " + TagResolution.allowedValues() + " (case-sensitive)."));
  }
}
