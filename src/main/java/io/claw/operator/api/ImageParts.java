package io.claw.operator.api;

/**
 * An image reference taken apart as a container runtime reads it: a first component with a dot or
 * a colon, or {@code localhost}, is the registry, else Docker Hub; a one-component Docker Hub path
 * is under {@code library/}; no tag and no digest means {@code latest}.
 *
 * @param registry host[:port], {@code docker.io} for Docker Hub (also when written index.docker.io)
 * @param repository the path within the registry
 * @param tag the tag; null for an image given by digest alone
 * @param digest e.g. sha256:...; null when not pinned
 */
public record ImageParts(String registry, String repository, String tag, String digest) {

  public static final String DOCKER_HUB = "docker.io";
  private static final String IMPLICIT_TAG = "latest";

  /** Takes apart a reference that {@link ImageReference#isValid} accepts. */
  public static ImageParts of(String reference) {
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first.equals("index.docker.io") ? DOCKER_HUB : first;
        rest = rest.substring(slash + 1);
      }
    }
    if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    if (tag == null && digest == null) {
      tag = IMPLICIT_TAG;
    }
    return new ImageParts(registry, rest, tag, digest);
  }

  public boolean pinned() {
    return digest != null;
  }
}
