package io.claw.operator.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Rejects image references with blanks in them, which no registry accepts. */
public class ImageConverter implements Converter<String> {

  @Override
  public String convert(String value) {
    if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("Invalid " + ClawOperatorConfig.DEFAULT_IMAGE
          + " (env CLAW_OPERATOR_DEFAULT_IMAGE): '" + value + "'. An image reference has no blanks, "
          + "e.g. registry.example.com/team/app:1.4.");
    }
    return value;
  }
}
