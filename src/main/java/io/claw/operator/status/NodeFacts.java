package io.claw.operator.status;

/**
 * What the node the Pod is bound to says about the image.
 *
 * @param holdsImage whether its status.images lists the image; null when unknown
 * @param platform its os/architecture, e.g. linux/amd64; null when unknown
 */
public record NodeFacts(String node, Boolean holdsImage, String platform) {
  public static final NodeFacts UNKNOWN = new NodeFacts(null, null, null);
}
