package io.claw.operator.reconciler;

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
   * What the operator knows of a namespace's enforced level.
   *
   * @param enforce the value of pod-security.kubernetes.io/enforce; null when unlabelled or not read
   */
  record NamespaceLevel(Access access, String enforce) {
    static final NamespaceLevel UNLABELLED = new NamespaceLevel(Access.READ, null);
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
}
