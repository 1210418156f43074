package io.claw.operator.config;

import org.eclipse.microprofile.config.spi.Converter;

import io.claw.operator.api.ImageReference;

/** Holds the default image to the same reference grammar as spec.image in the CRD. */
public class ImageConverter implements Converter<String> {

  @Override
  public String convert(String value) {
    if (!ImageReference.isValid(value)) {
      throw new IllegalArgumentException("Invalid " + ClawOperatorConfig.DEFAULT_IMAGE
          + " (env CLAW_OPERATOR_DEFAULT_IMAGE): '" + value + "'. Expected an image reference "
          + "[registry[:port]/]path[:tag][@digest] with a lower-case path and no blanks, "
          + "e.g. registry.example.com/team/app:1.4.");
    }
    return value;
  }
}
