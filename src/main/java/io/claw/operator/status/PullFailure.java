package io.claw.operator.status;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullFailureReport;
import io.claw.operator.api.PullPolicy;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * An image pull failure the kubelet reports as a container's waiting reason, and what the
 * operator makes of it: its cause, read from the kubelet's reason and the runtime's message, and a
 * hint built from the cause and what the operator knows (the policy and where it came from, the
 * pull secrets, whether the node holds the image). Pure: the unit tests quote each kubelet's and
 * runtime's exact words, with their source.
 */
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

  /** Kubelet 1.32+ (kubernetes/kubernetes#127918): the back-off message carries the error before it. */
  private static final Pattern BACK_OFF_WITH_ERROR = Pattern.compile("^Back-off pulling image \"[^\"]*\": (\\w+): (.*)$",
      Pattern.DOTALL);
  private static final Pattern BARE_BACK_OFF = Pattern.compile("^Back-off pulling image \"[^\"]*\"$");
  /** Kubelet 1.28+ (kubernetes/kubernetes#117717), pkg/kubelet/images/image_manager.go evalCRIPullErr. */
  private static final String REGISTRY_UNAVAILABLE = "because the registry is unavailable";
  private static final String SIGNATURE_FAILED = "because the signature validation failed";

  private static final List<String> PLATFORM = List.of(
      "no match for platform in manifest", // containerd, images/image.go
      "no image found in manifest list for architecture", // CRI-O, containers/image
      "no matching manifest for", // Docker
      "does not match the specified platform",
      "exec format error"); // runc, starting a program built for another architecture
  private static final List<String> RATE_LIMITED = List.of("toomanyrequests", "too many requests", "rate limit");
  /** 429 as a status code, not inside a digest or a port. */
  private static final Pattern STATUS_429 = Pattern.compile("(?<![\\w.:])429(?![\\w.])");
  private static final List<String> TLS = List.of("x509:", "tls:", "certificate", "server gave http response to https client",
      "first record does not look like a tls handshake");
  private static final List<String> UNAUTHORIZED = List.of("unauthorized", "forbidden", "pull access denied",
      "authorization failed", "authentication required", "no basic auth credentials", "requesting bearer token",
      "failed to authorize", "denied: ");
  private static final List<String> NOT_FOUND = List.of("not found", "manifest unknown", "name unknown",
      "repository name not known", "does not exist");
  private static final List<String> UNREACHABLE = List.of("connection refused", "no such host", "i/o timeout",
      "no route to host", "network is unreachable", "connection reset", "deadline exceeded", "server misbehaving",
      "temporary failure in name resolution", "dial tcp", "500 internal server error", "502 bad gateway",
      "503 service unavailable", "504 gateway timeout", "pinging container registry");

  /** The first pull failure among init containers, then app containers, then ephemeral (debug) containers. */
  public static Optional<PullFailure> of(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null) {
      return Optional.empty();
    }
    return Stream.of(status.getInitContainerStatuses(), status.getContainerStatuses(),
            status.getEphemeralContainerStatuses())
        .flatMap(PullFailure::stream)
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

  private static Stream<ContainerStatus> stream(List<ContainerStatus> list) {
    return list == null ? Stream.empty() : list.stream();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * The cause of a failure the kubelet reports with {@code reason} and {@code message}; empty when
   * the message says only that the kubelet is backing off (an older kubelet's ImagePullBackOff),
   * so that the cause found with the error before it stays.
   */
  public static Optional<PullFailureCause> cause(String reason, String message) {
    String text = message == null ? "" : message;
    Matcher backOff = BACK_OFF_WITH_ERROR.matcher(text);
    if (backOff.matches()) {
      return cause(backOff.group(1), backOff.group(2));
    }
    if (BARE_BACK_OFF.matcher(text).matches() || (PullFailure.BACK_OFF.equals(reason) && text.isBlank())) {
      return Optional.empty();
    }
    switch (reason == null ? "" : reason) {
      case "ErrImageNeverPull":
        return Optional.of(PullFailureCause.NOT_PRESENT_ON_NODE);
      case "InvalidImageName":
        return Optional.of(PullFailureCause.INVALID_NAME);
      case "SignatureValidationFailed":
        return Optional.of(PullFailureCause.SIGNATURE_INVALID);
      default:
        break;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains(SIGNATURE_FAILED)) {
      return Optional.of(PullFailureCause.SIGNATURE_INVALID);
    }
    PullFailureCause fromText = fromText(lower);
    if (fromText == PullFailureCause.UNKNOWN && ("RegistryUnavailable".equals(reason) || lower.contains(REGISTRY_UNAVAILABLE))) {
      return Optional.of(PullFailureCause.REGISTRY_UNREACHABLE);
    }
    return Optional.of(fromText);
  }

  private static PullFailureCause fromText(String lower) {
    if (containsAny(lower, PLATFORM)) {
      return PullFailureCause.PLATFORM_MISMATCH;
    }
    if (containsAny(lower, RATE_LIMITED) || STATUS_429.matcher(lower).find()) {
      return PullFailureCause.RATE_LIMITED;
    }
    if (containsAny(lower, TLS)) {
      return PullFailureCause.TLS_ERROR;
    }
    if (containsAny(lower, UNAUTHORIZED)) {
      return PullFailureCause.UNAUTHORIZED;
    }
    if (containsAny(lower, NOT_FOUND)) {
      return PullFailureCause.NOT_FOUND;
    }
    if (containsAny(lower, UNREACHABLE)) {
      return PullFailureCause.REGISTRY_UNREACHABLE;
    }
    return PullFailureCause.UNKNOWN;
  }

  private static boolean containsAny(String text, List<String> needles) {
    return needles.stream().anyMatch(text::contains);
  }

  /** Everything the hint is built from. */
  public record Facts(String image, EffectivePullPolicy policy, List<String> secretNames, PullSecrets secrets,
      NodeFacts node) {
  }

  public static PullFailureReport report(PullFailureCause cause, Facts facts) {
    NodeFacts node = facts.node() == null ? NodeFacts.UNKNOWN : facts.node();
    String onNode = node.holdsImage() == null ? "Unknown" : node.holdsImage() ? "True" : "False";
    return new PullFailureReport(cause, ImageParts.registryOf(facts.image()), hint(cause, facts, node), node.node(), onNode);
  }

  static String hint(PullFailureCause cause, Facts facts, NodeFacts node) {
    String image = facts.image();
    String registry = ImageParts.registryOf(image);
    PullPolicy policy = facts.policy().policy();
    String policyFrom = "pullPolicy " + policy + " (from " + facts.policy().source() + ")";
    String nodeName = node.node() == null ? "the node" : "node " + node.node();
    return switch (cause) {
      case REGISTRY_UNREACHABLE -> Boolean.TRUE.equals(node.holdsImage()) && policy == PullPolicy.ALWAYS
          ? nodeName + " already holds " + image + ", but " + policyFrom + " sends the kubelet to " + registry
              + " first: IfNotPresent would run the node's copy."
          : "The node cannot reach " + registry + ": check that the registry runs, that its name resolves on the "
              + "node, and the network in between" + (policy == PullPolicy.ALWAYS
                  ? "; with IfNotPresent a node that holds the image would not need it." : ".");
      case TLS_ERROR -> "The node does not accept the TLS of " + registry + ": give the node's container runtime "
          + "the registry's CA (containerd: certs.d/" + registry + "/hosts.toml), use a certificate for that name, "
          + "or configure the registry as plain HTTP if it speaks HTTP.";
      case NOT_FOUND -> registry + " has no " + repositoryAndTag(image) + ": check the repository and the tag or "
          + "digest, or push the image.";
      case UNAUTHORIZED -> unauthorizedHint(facts, registry);
      case RATE_LIMITED -> registry + " limits the rate of pulls: authenticate with spec.imagePullSecrets, pull "
          + "through a mirror, or use IfNotPresent so that a node that holds the image does not ask again.";
      case NOT_PRESENT_ON_NODE -> nodeName + " does not hold " + image + " and " + policyFrom + " forbids pulling "
          + "it: load the image onto the node, or allow pulls with IfNotPresent. From kubelet 1.35 this also "
          + "means that the node holds it but the Pod's credentials for it do not verify.";
      case INVALID_NAME -> image + " is not a valid image reference: fix spec.image or the operator's default image.";
      case PLATFORM_MISMATCH -> image + " has no build for the platform of " + nodeName
          + (node.platform() == null ? "" : " (" + node.platform() + ")")
          + ": push one for it, or steer the Pod to nodes of a platform the image has.";
      case SIGNATURE_INVALID -> "The container runtime's signature policy refused " + image
          + ": sign it with a key the policy trusts, or change the policy.";
      case UNKNOWN -> "The container runtime's message says what failed; the operator does not recognise it.";
    };
  }

  private static String unauthorizedHint(Facts facts, String registry) {
    // containerd says "pull access denied, repository does not exist or may require authorization",
    // and Docker Hub answers 401 for a repository that does not exist: the two look the same.
    String orMissing = " Some registries (Docker Hub) answer the same for a repository that does not exist: "
        + "check the name too.";
    if (facts.secretNames() == null || facts.secretNames().isEmpty()) {
      return registry + " wants credentials: name a Secret of type kubernetes.io/dockerconfigjson for it in "
          + "spec.imagePullSecrets." + orMissing;
    }
    String named = String.join(", ", facts.secretNames());
    return switch (facts.secrets().result()) {
      case MISSING -> "Create the missing pull secret(s) " + String.join(", ", facts.secrets().missing())
          + " with credentials for " + registry + "." + orMissing;
      case FOUND -> registry + " refused the credentials in " + named + ": check that they hold a user and "
          + "password or token for " + registry + " that can read " + repositoryAndTag(facts.image()) + "."
          + orMissing;
      default -> registry + " refused the pull; the Pod names " + named + ": check that they hold credentials for "
          + registry + "." + orMissing;
    };
  }

  private static String repositoryAndTag(String image) {
    String registry = ImageParts.registryOf(image);
    return image.startsWith(registry + "/") ? image.substring(registry.length() + 1) : image;
  }
}
