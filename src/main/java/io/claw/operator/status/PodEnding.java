package io.claw.operator.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

import io.claw.operator.pod.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * A Pod that has ended: phase Failed or Succeeded, so none of its containers will run in it
 * again (the kubelet evicted it, refused it at admission, or shut its node down). A bare Pod is
 * never revived; only a new Pod runs the app again.
 *
 * @param reason the Pod's status reason, e.g. Evicted; "Pod" + phase when the kubelet gave none
 * @param message the Pod's status message; may be empty
 */
public record PodEnding(String phase, String reason, String message) {

  /** A Pod that ran this long before it ended starts a new count: its ending is no loop. */
  public static final Duration STREAK_RESET = Duration.ofMinutes(10);
  /** The second Pod in a row to end is replaced after this, the third after twice this, ... */
  public static final Duration FIRST_BACK_OFF = Duration.ofSeconds(10);
  /** As long as the kubelet's crash-loop back-off at its longest. */
  public static final Duration MAX_BACK_OFF = Duration.ofMinutes(5);

  /** The reasons a metric may carry: the kubelet's own words are CamelCase and few. */
  private static final Pattern METRIC_REASON = Pattern.compile("[A-Za-z]{1,40}");

  public static Optional<PodEnding> of(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null || !("Failed".equals(status.getPhase()) || "Succeeded".equals(status.getPhase()))) {
      return Optional.empty();
    }
    String reason = status.getReason() == null || status.getReason().isBlank() ? "Pod" + status.getPhase()
        : status.getReason();
    return Optional.of(new PodEnding(status.getPhase(), reason,
        status.getMessage() == null ? "" : status.getMessage().strip()));
  }

  /** What happened to the Pod, to follow "the Pod ...": "evicted by the node: The node was low on memory." */
  public String description() {
    String what = switch (reason) {
      case "Evicted" -> "evicted by the node";
      case "Shutdown", "Terminated" -> "stopped when its node shut down";
      case "NodeLost" -> "lost with its node";
      case "PodSucceeded" -> "whose containers exited successfully";
      case "PodFailed" -> "whose containers failed";
      default -> reason.startsWith("OutOf") || reason.endsWith("Error") || "NodeAffinity".equals(reason)
          ? "refused by the node (" + reason + ")"
          : "that ended (" + phase + ", " + reason + ")";
    };
    return message.isEmpty() ? what : what + ": " + message;
  }

  /** A bounded label value for the replacements metric. */
  public String metricReason() {
    return METRIC_REASON.matcher(reason).matches() ? reason : "Other";
  }

  /**
   * How many Pods of the instance in a row have ended with this one: the count the Pod was
   * created with (see {@link Labels#ENDED_PODS}) plus one, or a new count when it ran longer
   * than {@link #STREAK_RESET}. Derived from the Pod alone, so it is the same on every reconcile.
   */
  public static int endedInARow(Pod pod, Instant now) {
    Instant streakEnds = streakEnds(pod);
    boolean ranLong = streakEnds != null && !streakEnds.isAfter(now);
    return ranLong ? 1 : countedBefore(pod) + 1;
  }

  /**
   * When a Pod that ended is replaced: its creation plus the back-off for the Pods that ended in a
   * row with it; at once when its creation is unknown.
   */
  public static Instant replaceAt(Pod pod, Instant now) {
    Instant created = created(pod);
    return created == null ? now : created.plus(backOff(endedInARow(pod, now)));
  }

  /**
   * The count for status.endedPods: with this Pod when it ended; the count it was created with
   * while it is young; none once it has run for {@link #STREAK_RESET}.
   */
  public static Integer endedPods(Pod pod, Instant now) {
    if (of(pod).isPresent()) {
      return endedInARow(pod, now);
    }
    int before = countedBefore(pod);
    if (before == 0) {
      return null; // nothing to carry: the creation time is not even read
    }
    Instant streakEnds = streakEnds(pod);
    return streakEnds == null || !streakEnds.isAfter(now) ? null : before;
  }

  /** When a young Pod's count expires from the status, if it has one to expire. */
  public static Optional<Instant> countExpires(Pod pod) {
    return countedBefore(pod) == 0 || of(pod).isPresent() ? Optional.empty() : Optional.ofNullable(streakEnds(pod));
  }

  public static Instant created(Pod pod) {
    String timestamp = pod.getMetadata().getCreationTimestamp();
    return timestamp == null ? null : Instant.parse(timestamp);
  }

  /** When the Pod will have run {@link #STREAK_RESET}; null when its creation is unknown. */
  private static Instant streakEnds(Pod pod) {
    Instant created = created(pod);
    return created == null ? null : created.plus(STREAK_RESET);
  }

  /** The annotation is ours, but anyone may edit it: a value that is no count counts as none. */
  static int countedBefore(Pod pod) {
    return Labels.count(pod, Labels.ENDED_PODS);
  }

  /**
   * How long after its creation a Pod that ended is replaced, given how many Pods in a row ended
   * with it: at once for the first, then doubling from {@link #FIRST_BACK_OFF} up to
   * {@link #MAX_BACK_OFF}. Measured from the Pod's creation, so that Pods of one instance are
   * created at most once per back-off, however fast each ends.
   */
  public static Duration backOff(int endedInARow) {
    if (endedInARow <= 1) {
      return Duration.ZERO;
    }
    int doublings = Math.min(endedInARow - 2, 30);
    Duration delay = FIRST_BACK_OFF.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_BACK_OFF) > 0 ? MAX_BACK_OFF : delay;
  }
}
