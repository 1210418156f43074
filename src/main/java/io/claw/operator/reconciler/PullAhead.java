package io.claw.operator.reconciler;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.claw.operator.api.ImageParts;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.PullerPod;
import io.claw.operator.status.NodeFacts;
import io.claw.operator.status.PullFailure;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Whether a running instance's container may move to its new image now, or the image is first to be
 * pulled onto the Pod's node by a puller ({@link PullerPod}); decided from what was observed alone.
 * Only an image-only change of a Pod whose app runs pulls first: any other change replaces the Pod,
 * and a Pod whose app does not run has nothing to keep up (docs/clawinstance.md, "Image changes:
 * pull first").
 */
sealed interface PullAhead {

  /**
   * The container may move to the new image now.
   *
   * @param puller the puller that pulled it (why PULLED), to be deleted once nobody waits for it; null otherwise
   */
  record Switch(Why why, Pod puller) implements PullAhead {

    Switch(Why why) {
      this(why, null);
    }
  }

  /** Create the puller; the Pod stays as it is. */
  record Start(PullerPod.Target target) implements PullAhead {
  }

  /**
   * A puller is at work (or failed: failure says why); the Pod stays as it is.
   *
   * @param failure why the new image cannot be pulled or started on the node; empty while it is pulled
   */
  record Await(PullerPod.Target target, Pod puller, Optional<PullFailure> failure) implements PullAhead {
  }

  enum Why {
    /** Pull first is off (claw.operator.pull-ahead.enabled=false, or no tool image). */
    OFF,
    /** The app container does not run: there is nothing to keep up while the kubelet pulls. */
    NOT_RUNNING,
    /** The node lists the image, and the pull policy will not send the kubelet to the registry for it. */
    ON_NODE,
    /** A puller pulled the image onto the node. */
    PULLED,
    /** The API server refused the puller, and claw.operator.pull-ahead.when-refused=switch allows moving without it. */
    REFUSED
  }

  /**
   * @param live the instance's Pod, whose image only is to change
   * @param image the image the Pod is to run
   * @param pullers the puller of a target as cached
   * @param nodes what is known of whether a node holds an image (read only when no puller is at work)
   */
  static PullAhead decide(boolean enabled, Pod live, String image, PullPolicy policy, List<String> pullSecrets,
      Function<PullerPod.Target, Optional<Pod>> pullers, BiFunction<String, String, NodeFacts> nodes) {
    if (!enabled) {
      return new Switch(Why.OFF);
    }
    String nodeName = live.getSpec().getNodeName();
    boolean running = ClawPod.appContainerStatus(live).map(ContainerStatus::getState)
        .map(s -> s.getRunning() != null).orElse(false);
    if (nodeName == null || nodeName.isEmpty() || !running) {
      return new Switch(Why.NOT_RUNNING);
    }
    PullerPod.Target target = new PullerPod.Target(nodeName, image, policy, pullSecrets);
    Optional<Pod> puller = pullers.apply(target);
    if (puller.isPresent()) {
      Pod found = puller.get();
      return pulled(found) ? new Switch(Why.PULLED, found) : new Await(target, found, failure(found));
    }
    // with Always a tag is looked up again at the switch: only a digest on the node is certain
    boolean certain = policy != PullPolicy.ALWAYS || ImageParts.of(image).pinned();
    if (certain && Boolean.TRUE.equals(nodes.apply(nodeName, image).holdsImage())) {
      return new Switch(Why.ON_NODE);
    }
    return new Start(target);
  }

  /** The new image's container ran the program and it exited 0: the image is on the node and starts there. */
  static boolean pulled(Pod puller) {
    return PullerPod.pullStatus(puller).map(ContainerStatus::getState).map(s -> s.getTerminated())
        .map(t -> t.getExitCode() != null && t.getExitCode() == 0).orElse(false);
  }

  /**
   * Why the puller cannot pull or start the image: the kubelet's pull failure (of either container),
   * or the new image's container ending with an error (it was pulled, but a program cannot start in
   * it there: "exec format error" for another platform's image), or the puller ending otherwise.
   */
  static Optional<PullFailure> failure(Pod puller) {
    Optional<PullFailure> pull = PullFailure.of(puller);
    if (pull.isPresent()) {
      return pull;
    }
    Optional<ContainerStateTerminated> ended = PullerPod.pullStatus(puller).map(ContainerStatus::getState)
        .map(s -> s.getTerminated()).filter(t -> t.getExitCode() == null || t.getExitCode() != 0);
    if (ended.isPresent()) {
      ContainerStateTerminated t = ended.get();
      return Optional.of(new PullFailure(PullerPod.PULL_CONTAINER, t.getReason() == null ? "Error" : t.getReason(),
          "the image was pulled, but a program cannot start in it on the node (exit code " + t.getExitCode() + ")"
              + (t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage().strip())));
    }
    if (puller.getStatus() != null && "Failed".equals(puller.getStatus().getPhase())) {
      String why = puller.getStatus().getReason() == null ? "Failed" : puller.getStatus().getReason();
      return Optional.of(new PullFailure(PullerPod.PULL_CONTAINER, why, "the puller ended before it could pull: "
          + (puller.getStatus().getMessage() == null ? why : puller.getStatus().getMessage())));
    }
    return Optional.empty();
  }

  /** Whether this decision keeps the Pod on its old image for now. */
  default boolean holdsBack() {
    return !(this instanceof Switch);
  }
}
