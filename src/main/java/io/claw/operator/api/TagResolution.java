package io.claw.operator.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the operator runs an image's tag as given, or the digest the registry resolves it to. */
public enum TagResolution {
  /** The Pod runs the tag; the node decides what it means (the pull policy's business). */
  @JsonProperty("none")
  NONE("none"),
  /** The tag is resolved once, when the Pod is created, and the Pod runs that digest until it is replaced. */
  @JsonProperty("pin")
  PIN("pin"),
  /** The tag is resolved again on an interval; when it moves, the Pod's container moves to the new digest. */
  @JsonProperty("track")
  TRACK("track");

  private final String value;

  TagResolution(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  public static Optional<TagResolution> parse(String text) {
    return Arrays.stream(values()).filter(m -> m.value.equals(text)).findFirst();
  }

  public static String allowedValues() {
    return Arrays.stream(values()).map(TagResolution::value).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return value;
  }
}
