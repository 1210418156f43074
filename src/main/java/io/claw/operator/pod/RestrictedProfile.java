package io.claw.operator.pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;

/**
 * The controls of the restricted Pod Security Standard (which includes the baseline's), by the
 * names the Kubernetes documentation gives them (concepts/security/pod-security-standards), as
 * checks of a Pod spec. The API servers the operator is tested on (1.20) have no Pod Security
 * admission; from 1.25 a namespace that enforces restricted refuses a Pod that fails any of these.
 * The operator checks its Pod before creating it, so that the status names the control and the
 * field instead of passing on a refusal.
 */
public final class RestrictedProfile {

  /** A control the Pod fails, and the field that fails it. */
  public record Violation(String control, String field, String detail) {
    @Override
    public String toString() {
      return control + ": " + field + " " + detail;
    }
  }

  /** Baseline "Capabilities": the only capabilities a container may add. */
  static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID",
      "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
  /** Baseline "SELinux": the types a Pod may set. */
  static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
      "container_engine_t");
  /** Baseline "Sysctls": the safe set, as of Kubernetes 1.29. */
  static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
      "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
      "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
  /** Restricted "Volume Types". */
  static final List<Function<Volume, Object>> ALLOWED_VOLUME_SOURCES = List.of(Volume::getConfigMap, Volume::getCsi,
      Volume::getDownwardAPI, Volume::getEmptyDir, Volume::getEphemeral, Volume::getPersistentVolumeClaim,
      Volume::getProjected, Volume::getSecret);

  private static final String RUNTIME_DEFAULT = "RuntimeDefault";
  private static final String LOCALHOST = "Localhost";

  private RestrictedProfile() {
  }

  /**
   * Every control of the baseline standard the Pod fails; empty when a baseline namespace admits it
   * (pod-security-admission policy/check_*.go, the checks whose level is baseline).
   */
  public static List<Violation> baselineViolations(PodSpec spec) {
    List<Violation> found = new ArrayList<>();
    PodSecurityContext pod = Optional.ofNullable(spec.getSecurityContext()).orElseGet(PodSecurityContext::new);
    baselinePod(spec, pod, found);
    for (Container c : containers(spec)) {
      baselineContainer(c, found);
    }
    return found;
  }

  /** The controls of a level the Pod fails: privileged none, baseline its own, restricted both. */
  public static List<Violation> violations(String level, PodSpec spec) {
    return switch (level == null ? "" : level) {
      case "restricted" -> violations(spec);
      case "baseline" -> baselineViolations(spec);
      default -> List.of();
    };
  }

  /** Every control of the restricted standard the Pod fails; empty when a restricted namespace admits it. */
  public static List<Violation> violations(PodSpec spec) {
    List<Violation> found = new ArrayList<>();
    PodSecurityContext pod = Optional.ofNullable(spec.getSecurityContext()).orElseGet(PodSecurityContext::new);
    baselinePod(spec, pod, found);
    for (Container c : containers(spec)) {
      baselineContainer(c, found);
      restrictedContainer(c, pod, found);
    }
    for (Volume v : nullToEmpty(spec.getVolumes())) {
      if (ALLOWED_VOLUME_SOURCES.stream().noneMatch(source -> source.apply(v) != null)) {
        found.add(new Violation("Volume Types", "volumes[" + v.getName() + "]",
            "is not configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret"));
      }
    }
    if (Boolean.FALSE.equals(pod.getRunAsNonRoot())
        || !Boolean.TRUE.equals(pod.getRunAsNonRoot())
            && containers(spec).stream().anyMatch(c -> !Boolean.TRUE.equals(sc(c).getRunAsNonRoot()))) {
      found.add(new Violation("Running as Non-root", "securityContext.runAsNonRoot", "must be true"));
    }
    if (Long.valueOf(0).equals(pod.getRunAsUser())) {
      found.add(new Violation("Running as Non-root user", "securityContext.runAsUser", "must not be 0"));
    }
    if (!allowedSeccomp(pod.getSeccompProfile())
        && containers(spec).stream().anyMatch(c -> !allowedSeccomp(sc(c).getSeccompProfile()))) {
      found.add(new Violation("Seccomp", "securityContext.seccompProfile.type", "must be RuntimeDefault or Localhost"));
    }
    return found;
  }

  private static void baselinePod(PodSpec spec, PodSecurityContext pod, List<Violation> found) {
    if (Boolean.TRUE.equals(spec.getHostNetwork()) || Boolean.TRUE.equals(spec.getHostPID())
        || Boolean.TRUE.equals(spec.getHostIPC())) {
      found.add(new Violation("Host Namespaces", "hostNetwork, hostPID, hostIPC", "must not be true"));
    }
    if (pod.getWindowsOptions() != null && Boolean.TRUE.equals(pod.getWindowsOptions().getHostProcess())) {
      found.add(new Violation("HostProcess", "securityContext.windowsOptions.hostProcess", "must not be true"));
    }
    for (Volume v : nullToEmpty(spec.getVolumes())) {
      if (v.getHostPath() != null) {
        found.add(new Violation("HostPath Volumes", "volumes[" + v.getName() + "].hostPath", "is forbidden"));
      }
    }
    seLinux(pod.getSeLinuxOptions(), "securityContext.seLinuxOptions", found);
    if (pod.getSeccompProfile() != null && "Unconfined".equals(pod.getSeccompProfile().getType())) {
      found.add(new Violation("Seccomp", "securityContext.seccompProfile.type", "must not be Unconfined"));
    }
    if (pod.getAppArmorProfile() != null && !allowedAppArmor(pod.getAppArmorProfile().getType())) {
      found.add(new Violation("AppArmor", "securityContext.appArmorProfile.type", "must be RuntimeDefault or Localhost"));
    }
    nullToEmpty(pod.getSysctls()).stream().filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
        .forEach(s -> found.add(new Violation("Sysctls", "securityContext.sysctls[" + s.getName() + "]",
            "is not in the safe set")));
  }

  private static void baselineContainer(Container c, List<Violation> found) {
    SecurityContext sc = sc(c);
    String at = "containers[" + c.getName() + "].securityContext";
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      found.add(new Violation("Privileged Containers", at + ".privileged", "must not be true"));
    }
    if (sc.getWindowsOptions() != null && Boolean.TRUE.equals(sc.getWindowsOptions().getHostProcess())) {
      found.add(new Violation("HostProcess", at + ".windowsOptions.hostProcess", "must not be true"));
    }
    capabilities(sc).getAdd().stream().filter(cap -> !BASELINE_CAPABILITIES.contains(cap))
        .forEach(cap -> found.add(new Violation("Capabilities", at + ".capabilities.add", "must not add " + cap)));
    nullToEmpty(c.getPorts()).stream().map(ContainerPort::getHostPort).filter(Objects::nonNull).filter(p -> p != 0)
        .forEach(p -> found.add(new Violation("Host Ports", "containers[" + c.getName() + "].ports[].hostPort",
            "must not be set (" + p + ")")));
    Stream.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe()).filter(Objects::nonNull)
        .filter(RestrictedProfile::namesAHost)
        .findFirst()
        .ifPresent(p -> found.add(new Violation("Host Probes / Lifecycle Hooks",
            "containers[" + c.getName() + "] probes' host", "must not be set")));
    seLinux(sc.getSeLinuxOptions(), at + ".seLinuxOptions", found);
    if (sc.getProcMount() != null && !"Default".equals(sc.getProcMount())) {
      found.add(new Violation("/proc Mount Type", at + ".procMount", "must be Default"));
    }
    if (sc.getSeccompProfile() != null && "Unconfined".equals(sc.getSeccompProfile().getType())) {
      found.add(new Violation("Seccomp", at + ".seccompProfile.type", "must not be Unconfined"));
    }
    if (sc.getAppArmorProfile() != null && !allowedAppArmor(sc.getAppArmorProfile().getType())) {
      found.add(new Violation("AppArmor", at + ".appArmorProfile.type", "must be RuntimeDefault or Localhost"));
    }
  }

  private static void restrictedContainer(Container c, PodSecurityContext pod, List<Violation> found) {
    SecurityContext sc = sc(c);
    String at = "containers[" + c.getName() + "].securityContext";
    if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      found.add(new Violation("Privilege Escalation", at + ".allowPrivilegeEscalation", "must be false"));
    }
    if (Boolean.FALSE.equals(sc.getRunAsNonRoot())) {
      found.add(new Violation("Running as Non-root", at + ".runAsNonRoot", "must not be false"));
    }
    if (Long.valueOf(0).equals(sc.getRunAsUser())) {
      found.add(new Violation("Running as Non-root user", at + ".runAsUser", "must not be 0"));
    }
    Capabilities caps = capabilities(sc);
    if (!caps.getDrop().contains("ALL")) {
      found.add(new Violation("Capabilities", at + ".capabilities.drop", "must include ALL"));
    }
    caps.getAdd().stream().filter(cap -> !"NET_BIND_SERVICE".equals(cap))
        .forEach(cap -> found.add(new Violation("Capabilities", at + ".capabilities.add",
            "may add only NET_BIND_SERVICE, not " + cap)));
  }

  private static void seLinux(SELinuxOptions options, String at, List<Violation> found) {
    if (options == null) {
      return;
    }
    if (options.getType() != null && !SELINUX_TYPES.contains(options.getType())) {
      found.add(new Violation("SELinux", at + ".type", "must be unset or one of the container types"));
    }
    if (options.getUser() != null && !options.getUser().isEmpty() || options.getRole() != null && !options.getRole().isEmpty()) {
      found.add(new Violation("SELinux", at + ".user and .role", "must be unset"));
    }
  }

  private static boolean namesAHost(Probe p) {
    return p.getHttpGet() != null && p.getHttpGet().getHost() != null && !p.getHttpGet().getHost().isEmpty()
        || p.getTcpSocket() != null && p.getTcpSocket().getHost() != null && !p.getTcpSocket().getHost().isEmpty();
  }

  private static boolean allowedSeccomp(SeccompProfile profile) {
    return profile != null && (RUNTIME_DEFAULT.equals(profile.getType()) || LOCALHOST.equals(profile.getType()));
  }

  private static boolean allowedAppArmor(String type) {
    return RUNTIME_DEFAULT.equals(type) || LOCALHOST.equals(type);
  }

  private static List<Container> containers(PodSpec spec) {
    return Stream.concat(nullToEmpty(spec.getInitContainers()).stream(), nullToEmpty(spec.getContainers()).stream())
        .toList();
  }

  private static SecurityContext sc(Container c) {
    return c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
  }

  private static Capabilities capabilities(SecurityContext sc) {
    Capabilities caps = sc.getCapabilities() == null ? new Capabilities() : sc.getCapabilities();
    return new Capabilities(nullToEmpty(caps.getAdd()), nullToEmpty(caps.getDrop()));
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
