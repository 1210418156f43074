package io.claw.operator.reconciler;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.ResolvedImage;
import io.claw.operator.api.TagResolution;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.registry.ProbeAnswer;
import io.claw.operator.registry.TagResolver.Resolution;
import io.claw.operator.status.TagReport;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Which digest an instance that resolves tags runs, decided from what is known alone: the live
 * Pod's digest, the registry's last answer, and the mode. No I/O, so that every path has a test.
 *
 * <p>A Pod already pinned to the tag keeps its digest until the registry says otherwise (track) or
 * for as long as the tag is the spec's (pin), and so does a Pod that replaces it: neither a restart
 * of the operator nor a registry that cannot be reached ever touches a running Pod or keeps a
 * replacement from starting.
 *
 * @param image the image to put in the Pod ({@code repo@sha256:...}); null while no digest is known,
 *     in which case no Pod is created and a live one is left as it is
 * @param follow whether the instance wants to hear when the registry's answer changes
 * @param report the status's resolvedImage and ImageUpToDate condition
 */
record DigestChoice(String image, boolean follow, TagReport report) {

  /**
   * @param reference the spec's image, by tag
   * @param previous the status's resolvedImage, which may carry the time a Pod's digest was resolved
   */
  static DigestChoice decide(TagResolution mode, String reference, ImageParts parts, Optional<Pod> live,
      Optional<Resolution> answer, ResolvedImage previous, Instant now) {
    return decide(mode, reference, parts, live, answer, previous, null, now);
  }

  /**
   * @param previousCondition the status's ImageUpToDate: what an operator that has not asked the
   *     registry yet (it just started) still says about the digest it reported, so that a restart
   *     writes nothing
   */
  static DigestChoice decide(TagResolution mode, String reference, ImageParts parts, Optional<Pod> live,
      Optional<Resolution> answer, ResolvedImage previous, ClawCondition previousCondition, Instant now) {
    String podDigest = live.flatMap(pod -> pinnedDigest(pod, reference)).orElse(null);
    // a replacement Pod (evicted, new spec) runs the digest its predecessor ran, registry or not
    String statusDigest = previous != null && reference.equals(previous.tag()) ? previous.digest() : null;
    String known = answer.map(Resolution::digest).orElse(null);
    String digest = mode == TagResolution.PIN ? first(first(podDigest, statusDigest), known)
        : first(first(known, podDigest), statusDigest);
    boolean follow = mode == TagResolution.TRACK || digest == null;
    String registry = parts.registry();
    if (digest == null) {
      String waiting = live.isPresent()
          ? "; Pod " + live.get().getMetadata().getName() + " is left as it is until the tag resolves"
          : "; the Pod is created once it resolves";
      ClawCondition condition = answer.filter(a -> !a.current())
          .map(a -> unknown(a.cause(), "Cannot resolve " + reference + " at " + registry + ": " + a.message() + waiting))
          .orElseGet(() -> condition(ClawCondition.UNKNOWN, Reasons.RESOLVING_TAG,
              "Asking " + registry + " which digest " + reference + " names" + waiting));
      return new DigestChoice(null, true, new TagReport(null, condition));
    }
    // the status's time first: it is the earliest, and an operator that restarts rewrites nothing
    String since = previous != null && reference.equals(previous.tag()) && digest.equals(previous.digest())
        && previous.resolvedAt() != null ? previous.resolvedAt()
        : answer.filter(a -> digest.equals(a.digest())).map(Resolution::since).map(DigestChoice::format).orElse(null);
    ResolvedImage resolved = new ResolvedImage(mode, reference, digest, since);
    boolean reportedBefore = answer.isEmpty() && previousCondition != null && previous != null
        && reference.equals(previous.tag()) && digest.equals(previous.digest()) && mode == previous.mode();
    ClawCondition condition = reportedBefore
        ? condition(previousCondition.status(), previousCondition.reason(), previousCondition.message())
        : upToDate(mode, reference, registry, digest, live, answer);
    return new DigestChoice(ImageParts.nameAsWritten(reference) + "@" + digest, follow, new TagReport(resolved, condition));
  }

  /**
   * pin, with a digest for this tag already in the live Pod or the status: nothing to ask the
   * registry, so neither it nor the pull secrets are read.
   */
  static boolean pinnedAlready(TagResolution mode, String reference, Optional<Pod> live, ResolvedImage previous) {
    return mode == TagResolution.PIN && (live.flatMap(pod -> pinnedDigest(pod, reference)).isPresent()
        || previous != null && reference.equals(previous.tag()) && previous.digest() != null);
  }

  /** For an image on the never-resolve list: the tag runs as given, and the status says why. */
  static TagReport notResolved(String reference, String registry) {
    return new TagReport(null, condition(ClawCondition.UNKNOWN, Reasons.NOT_RESOLVED, "Registry " + registry
        + " is on the operator's never-resolve list: the Pod runs " + reference + " by tag, as the node resolves it"));
  }

  private static ClawCondition upToDate(TagResolution mode, String reference, String registry, String digest,
      Optional<Pod> live, Optional<Resolution> answer) {
    if (mode == TagResolution.PIN) {
      return condition(ClawCondition.TRUE, Reasons.PINNED, "The Pod runs " + reference + " as it was when the Pod "
          + "was created, " + digest + "; pin does not ask the registry again (track does)");
    }
    if (answer.isEmpty()) {
      return condition(ClawCondition.UNKNOWN, Reasons.RESOLVING_TAG, "Asking " + registry + " which digest "
          + reference + " names; the Pod keeps running " + digest + " meanwhile");
    }
    Resolution known = answer.get();
    if (!known.current()) {
      return unknown(known.cause(), "Cannot ask " + registry + " about " + reference + ": " + known.message()
          + "; the Pod keeps running " + digest);
    }
    String running = live.flatMap(DigestChoice::runningDigest).orElse(null);
    if (running == null || running.equals(known.digest())) {
      return condition(ClawCondition.TRUE, Reasons.TAG_CURRENT, "The registry's " + reference + " is " + known.digest()
          + (running == null ? ", which the Pod is set to run" : ", which the Pod runs"));
    }
    return condition(ClawCondition.FALSE, Reasons.TAG_MOVED, "The registry's " + reference + " is " + known.digest()
        + ", running " + running + "; the Pod's container is moving to it");
  }

  private static ClawCondition unknown(ProbeAnswer.Cause cause, String message) {
    return condition(ClawCondition.UNKNOWN, switch (cause) {
      case UNREACHABLE -> Reasons.REGISTRY_UNREACHABLE;
      case UNTRUSTED_CERTIFICATE -> Reasons.REGISTRY_CERTIFICATE_UNTRUSTED;
      case UNAUTHORIZED -> Reasons.REGISTRY_UNAUTHORIZED;
      case NOT_FOUND -> Reasons.TAG_NOT_FOUND;
      case THROTTLED -> Reasons.REGISTRY_THROTTLED;
      case REGISTRY_ERROR -> Reasons.REGISTRY_ERROR;
    }, message);
  }

  private static ClawCondition condition(String status, String reason, String message) {
    return new ClawCondition(ClawCondition.IMAGE_UP_TO_DATE, status, reason, message, null, null);
  }

  /** The digest of a Pod built from this reference by digest. */
  static Optional<String> pinnedDigest(Pod pod, String reference) {
    var annotations = pod.getMetadata().getAnnotations();
    if (annotations == null || !reference.equals(annotations.get(Labels.RESOLVED_FROM))) {
      return Optional.empty();
    }
    String prefix = ImageParts.nameAsWritten(reference) + "@";
    return ClawPod.appContainer(pod)
        .map(c -> c.getImage())
        .filter(image -> image != null && image.startsWith(prefix))
        .map(image -> image.substring(prefix.length()));
  }

  /** The digest the kubelet says the app container runs (its imageID, repo@sha256:...). */
  static Optional<String> runningDigest(Pod pod) {
    return ClawPod.appContainerStatus(pod)
        .map(ContainerStatus::getImageID)
        .filter(id -> id != null && id.contains("@"))
        .map(id -> id.substring(id.lastIndexOf('@') + 1));
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  private static String format(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
  }
}
