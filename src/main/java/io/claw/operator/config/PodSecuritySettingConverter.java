package io.claw.operator.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Strict, like the pull-policy default: a typo stops the operator instead of meaning auto. */
public class PodSecuritySettingConverter implements Converter<PodSecuritySetting> {

  @Override
  public PodSecuritySetting convert(String value) {
    return PodSecuritySetting.parse(value).orElseThrow(() -> new IllegalArgumentException(
        "Invalid " + ClawOperatorConfig.POD_SECURITY + " (env CLAW_OPERATOR_POD_SECURITY): '" + value
            + "'. Allowed values: " + PodSecuritySetting.allowedValues() + " (case-sensitive)."));
  }
}
