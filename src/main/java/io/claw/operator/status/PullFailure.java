package io.claw.operator.status;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/** An image pull failure the kubelet reports as a container's waiting reason. */
public record PullFailure(String container, String reason, String message) {

  /** The kubelet's waiting reasons that mean "the image cannot be pulled". */
  public static final Set<String> REASONS = Set.of(
      "ErrImagePull",
      "ImagePullBackOff",
      "InvalidImageName",
      "ErrImageNeverPull",
      "RegistryUnavailable",
      "ImageInspectError",
      "SignatureValidationFailed");

  /** Back-off only says "retrying later"; the error that caused it came with ErrImagePull. */
  public static final String BACK_OFF = "ImagePullBackOff";
  public static final String ERR_IMAGE_PULL = "ErrImagePull";

  /** The first pull failure among init containers, then app containers. */
  public static Optional<PullFailure> of(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return Optional.empty();
    }
    return Stream.concat(stream(status.getInitContainerStatuses()), stream(status.getContainerStatuses()))
        .flatMap(cs -> waiting(cs).filter(w -> REASONS.contains(w.getReason()))
            .map(w -> new PullFailure(cs.getName(), w.getReason(), nullToEmpty(w.getMessage())))
            .stream())
        .findFirst();
  }

  /**
   * True when a container waits on a pull failure and no container of the Pod has run yet, now
   * or before: there is no app to stop, and none can start until a pull succeeds.
   */
  public static boolean blocksPodThatNeverRan(Pod pod) {
    PodStatus status = pod.getStatus();
    return of(pod).isPresent()
        && Stream.concat(stream(status.getInitContainerStatuses()), stream(status.getContainerStatuses()))
            .noneMatch(PullFailure::hasRun);
  }

  private static boolean hasRun(ContainerStatus cs) {
    return ran(cs.getState()) || ran(cs.getLastState());
  }

  private static boolean ran(ContainerState state) {
    return state != null && (state.getRunning() != null || state.getTerminated() != null);
  }

  private static Optional<ContainerStateWaiting> waiting(ContainerStatus cs) {
    return Optional.ofNullable(cs.getState()).map(s -> s.getWaiting());
  }

  private static Stream<ContainerStatus> stream(java.util.List<ContainerStatus> list) {
    return list == null ? Stream.empty() : list.stream();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
