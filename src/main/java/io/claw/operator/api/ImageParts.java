package io.claw.operator.api;

/**
 * An image reference taken apart as a container runtime reads it (containerd's and the
 * distribution library's normalisation): a first component with a dot, a colon or an upper-case
 * letter, or {@code localhost}, is the registry, else Docker Hub; a one-component Docker Hub path
 * is under {@code library/}; no tag and no digest means {@code latest}. The operator's one reader
 * of image references: the pull-policy rules, tag resolution, the pull-failure report and the
 * node's image list all go through it.
 *
 * @param registry host[:port], {@code docker.io} for Docker Hub (also when written index.docker.io)
 * @param repository the path within the registry
 * @param tag the tag; null for an image given by digest alone
 * @param digest e.g. sha256:...; null when not pinned
 */
public record ImageParts(String registry, String repository, String tag, String digest) {

  public static final String DOCKER_HUB = "docker.io";
  /** Docker Hub's older name, which runtimes read as docker.io. */
  private static final String DOCKER_HUB_LEGACY = "index.docker.io";
  private static final String IMPLICIT_TAG = "latest";

  /** Takes apart a reference that {@link ImageReference#isValid} accepts. */
  public static ImageParts of(String reference) {
    int at = reference.indexOf('@');
    String digest = at >= 0 ? reference.substring(at + 1) : null;
    String name = nameAsWritten(reference);
    String written = at >= 0 ? reference.substring(0, at) : reference;
    String tag = written.length() > name.length() ? written.substring(name.length() + 1) : null;
    String registry = DOCKER_HUB;
    String rest = name;
    int slash = name.indexOf('/');
    if (slash > 0 && isRegistry(name.substring(0, slash))) {
      String first = name.substring(0, slash);
      registry = first.equals(DOCKER_HUB_LEGACY) ? DOCKER_HUB : first;
      rest = name.substring(slash + 1);
    }
    if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    if (tag == null && digest == null) {
      tag = IMPLICIT_TAG;
    }
    return new ImageParts(registry, rest, tag, digest);
  }

  /** The registry of a reference; null for none. */
  public static String registryOf(String reference) {
    return reference == null ? null : of(reference).registry();
  }

  /** The reference as written, without its tag and digest: what a digest is appended to. */
  public static String nameAsWritten(String reference) {
    int at = reference.indexOf('@');
    String rest = at >= 0 ? reference.substring(0, at) : reference;
    int colon = rest.lastIndexOf(':');
    return colon > rest.lastIndexOf('/') ? rest.substring(0, colon) : rest;
  }

  /**
   * The reference in full, as containerd names images in a node's status.images:
   * {@code docker.io/library/nginx:latest} for {@code nginx}.
   */
  public String canonical() {
    return registry + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  private static boolean isRegistry(String firstComponent) {
    return firstComponent.contains(".") || firstComponent.contains(":") || firstComponent.equals("localhost")
        || !firstComponent.equals(firstComponent.toLowerCase(java.util.Locale.ROOT));
  }

  public boolean pinned() {
    return digest != null;
  }
}
