package io.claw.operator.reconciler;

import java.util.Optional;

import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.pod.PodSecurity;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * An answer of the API server to a write of the Pod, the claim or the Service that no retry within
 * seconds will change:
 * the namespace is going away, or a rule refuses the Pod (quota, admission, validation, RBAC)
 * until someone changes the rule. Everything else (a lost connection, 429, a 5xx) is left to
 * JOSDK's retry.
 *
 * @param namespaceGone the namespace is being deleted or is gone: nothing can be created there again
 * @param answer the API server's own message, e.g. {@code pods "web" is forbidden: exceeded quota: ...}
 */
record Refusal(boolean namespaceGone, int code, String answer) {

  /** The NamespaceLifecycle admission plugin's cause (k8s.io/api core/v1 NamespaceTerminatingCause). */
  static final String NAMESPACE_TERMINATING_CAUSE = "NamespaceTerminating";

  static Optional<Refusal> of(KubernetesClientException e) {
    Status status = e.getStatus();
    String answer = status != null && status.getMessage() != null ? status.getMessage()
        : e.getMessage() != null ? e.getMessage() : "HTTP " + e.getCode();
    boolean terminating = e.getCode() == 403 && (hasCause(status, NAMESPACE_TERMINATING_CAUSE)
        || answer.contains("because it is being terminated"));
    boolean namespaceMissing = e.getCode() == 404 && status != null && status.getDetails() != null
        && "namespaces".equals(status.getDetails().getKind());
    if (terminating || namespaceMissing) {
      return Optional.of(new Refusal(true, e.getCode(), answer));
    }
    return switch (e.getCode()) {
      case 400, 403, 422 -> Optional.of(new Refusal(false, e.getCode(), answer));
      // a webhook that refused to answer: the Pod is refused until the webhook is back
      // a webhook that refused to answer, or no cluster IP left: refused until someone acts
      case 500 -> answer.contains("failed calling webhook") || answer.contains("failed to allocate a serviceIP")
          ? Optional.of(new Refusal(false, 500, answer))
          : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** What the status, the Event and the log say: the answer, and what to change where the answer names a rule. */
  String message(String podName) {
    return "The API server refused Pod " + podName + ": " + answer + hint().map(hint -> ". " + hint).orElse("");
  }

  /** What to change, for the refusals whose answer names a rule; empty when the answer is all there is to say. */
  Optional<String> hint() {
    if (answer.contains("exceeded quota")) {
      return Optional.of("Raise the namespace's ResourceQuota, free room in it, or ask for less in spec.resources.");
    }
    if (answer.contains("must specify")) {
      return Optional.of("The namespace's ResourceQuota needs requests and limits on every Pod: set spec.resources.");
    }
    if (answer.contains("violates PodSecurity \"restricted")) {
      return Optional.of("The namespace enforces Pod Security restricted without the label the auto profile follows "
          + "(the cluster's admission configuration may set it for all namespaces): label the namespace "
          + PodSecurity.ENFORCE_LABEL + "=restricted, or set " + ClawOperatorConfig.POD_SECURITY + "=restricted.");
    }
    if (answer.contains("violates PodSecurity")) {
      return Optional.of("The namespace enforces Pod Security; the answer names the fields of spec.securityContext or "
          + "spec.podSecurityContext to change.");
    }
    if (answer.contains("admission webhook") && answer.contains("denied the request")) {
      return Optional.of("An admission webhook refused the Pod; its answer names the rule.");
    }
    if (answer.contains("failed calling webhook")) {
      return Optional.of("An admission webhook did not answer; the Pod is refused until it does.");
    }
    return Optional.empty();
  }

  private static boolean hasCause(Status status, String type) {
    return status != null && status.getDetails() != null && status.getDetails().getCauses() != null
        && status.getDetails().getCauses().stream().anyMatch(c -> type.equals(c.getReason()));
  }
}
