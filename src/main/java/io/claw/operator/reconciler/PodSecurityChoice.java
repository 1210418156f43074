package io.claw.operator.reconciler;

import java.util.List;
import java.util.stream.Collectors;

import io.claw.operator.pod.RestrictedProfile;
import io.fabric8.kubernetes.api.model.PodSpec;

import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PodSecurityReport;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.config.PodSecuritySetting;
import io.claw.operator.pod.PodSecurity;

/** Which Pod Security profile an instance's Pod gets: the operator's setting, or under auto its namespace's level. */
final class PodSecurityChoice {

  /** Whether the operator reads namespaces: by its setting, and by its rights. */
  enum Access {
    NOT_READ, FORBIDDEN, READ
  }

  /**
   * What the operator knows of a namespace's Pod Security labels.
   *
   * @param enforce the value of pod-security.kubernetes.io/enforce; null when unlabelled or not read
   * @param enforceVersion pod-security.kubernetes.io/enforce-version; null when unset (latest)
   * @param warn pod-security.kubernetes.io/warn; null when unset
   * @param audit pod-security.kubernetes.io/audit; null when unset
   */
  record NamespaceLevel(Access access, String enforce, String enforceVersion, String warn, String audit) {
    static final NamespaceLevel UNLABELLED = new NamespaceLevel(Access.READ, null);

    NamespaceLevel(Access access, String enforce) {
      this(access, enforce, null, null, null);
    }
  }

  private PodSecurityChoice() {
  }

  static PodSecurityReport choose(PodSecuritySetting setting, String namespace, NamespaceLevel level) {
    if (setting.forced().isPresent()) {
      return new PodSecurityReport(setting.forced().get(), ClawOperatorConfig.POD_SECURITY + " is " + setting);
    }
    if (level.access() != Access.READ) {
      return new PodSecurityReport(PodSecurityProfile.BASELINE, ClawOperatorConfig.POD_SECURITY + " is auto and "
          + (level.access() == Access.NOT_READ ? ClawOperatorConfig.READ_NAMESPACES + " is false"
              : "the operator may not read namespaces")
          + ", so namespace labels are not read; set "
          + ClawOperatorConfig.POD_SECURITY + "=restricted where namespaces enforce restricted");
    }
    String label = PodSecurity.ENFORCE_LABEL;
    if (PodSecurityProfile.RESTRICTED.value().equals(level.enforce())) {
      return new PodSecurityReport(PodSecurityProfile.RESTRICTED,
          "namespace " + namespace + " enforces restricted (" + label + "=restricted)");
    }
    return new PodSecurityReport(PodSecurityProfile.BASELINE, level.enforce() == null
        ? "namespace " + namespace + " has no " + label + " label"
        : "namespace " + namespace + " enforces " + level.enforce() + ", not restricted (" + label + ")");
  }

  /**
   * The report with what the namespace's warn and audit levels say of the Pod: the controls it
   * fails at each. The API server admits such a Pod (it warns, or writes the audit log); the status
   * says it ahead, without refusing anything.
   */
  static PodSecurityReport noted(PodSecurityReport report, NamespaceLevel level, PodSpec desired) {
    return report.noting(note(level.warn(), desired), note(level.audit(), desired));
  }

  private static String note(String level, PodSpec desired) {
    List<RestrictedProfile.Violation> violations = RestrictedProfile.violations(level, desired);
    return violations.isEmpty() ? null : level + ": " + violations.stream()
        .map(RestrictedProfile.Violation::toString).collect(Collectors.joining("; "));
  }
}
