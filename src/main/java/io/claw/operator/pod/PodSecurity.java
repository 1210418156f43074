package io.claw.operator.pod;

import java.util.ArrayList;
import java.util.List;

import io.claw.operator.api.ClawInstanceSpec;
import io.claw.operator.api.PodSecurityProfile;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The security settings of the Pod under a profile. Restricted fills in what the restricted
 * standard requires wherever the instance leaves it unset; what the instance sets stays as it
 * is, and {@link RestrictedProfile} says when that fails the standard. Baseline adds nothing.
 */
public final class PodSecurity {

  /** The namespace label through which Pod Security admission enforces a level (Kubernetes 1.25+). */
  public static final String ENFORCE_LABEL = PodSecurityProfile.ENFORCE_LABEL;

  private PodSecurity() {
  }

  static PodSecurityContext podContext(ClawInstanceSpec spec, PodSecurityProfile profile) {
    PodSecurityContext given = spec.getPodSecurityContext();
    if (profile != PodSecurityProfile.RESTRICTED) {
      return given;
    }
    PodSecurityContext context = given == null ? new PodSecurityContext() : new PodSecurityContextBuilder(given).build();
    SecurityContext container = spec.getSecurityContext();
    if (context.getRunAsNonRoot() == null && (container == null || container.getRunAsNonRoot() == null)) {
      context.setRunAsNonRoot(true);
    }
    if (context.getSeccompProfile() == null && (container == null || container.getSeccompProfile() == null)) {
      context.setSeccompProfile(new SeccompProfile(null, "RuntimeDefault"));
    }
    return context;
  }

  static SecurityContext containerContext(ClawInstanceSpec spec, PodSecurityProfile profile) {
    SecurityContext given = spec.getSecurityContext();
    if (profile != PodSecurityProfile.RESTRICTED) {
      return given;
    }
    SecurityContext context = given == null ? new SecurityContext() : new SecurityContextBuilder(given).build();
    if (context.getAllowPrivilegeEscalation() == null) {
      context.setAllowPrivilegeEscalation(false);
    }
    Capabilities caps = context.getCapabilities() == null ? new Capabilities() : context.getCapabilities();
    List<String> drop = caps.getDrop() == null ? new ArrayList<>() : new ArrayList<>(caps.getDrop());
    if (!drop.contains("ALL")) {
      drop.add("ALL");
    }
    context.setCapabilities(new Capabilities(caps.getAdd() == null || caps.getAdd().isEmpty() ? null : caps.getAdd(), drop));
    return context;
  }
}
