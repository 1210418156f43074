package io.claw.operator.status;

/**
 * A new image that a running instance's Pod does not run yet, because it is first pulled onto the
 * Pod's node (docs/clawinstance.md, "Image changes: pull first").
 *
 * @param image the new image
 * @param running the image the Pod runs meanwhile
 * @param node the Pod's node, where the puller pulls
 * @param failure why the pull fails, as the kubelet says it; null while it is under way
 * @param refusal the API server's words when it refused the puller (quota, admission); null otherwise
 */
public record ImageRollout(String image, String running, String node, PullFailure failure, String refusal) {

  public boolean pulling() {
    return failure == null && refusal == null;
  }
}
