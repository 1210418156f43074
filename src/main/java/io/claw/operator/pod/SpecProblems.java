package io.claw.operator.pod;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.claw.operator.api.AppVolume;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceSpec;
import io.claw.operator.api.InstanceRun;
import io.claw.operator.api.InstanceService;
import io.fabric8.kubernetes.api.model.VolumeMount;

/**
 * What makes a spec unbuildable that the CRD schema cannot say on the API servers the operator
 * supports (no CEL validation before 1.25): each found problem names the field and the fix.
 */
public final class SpecProblems {

  private SpecProblems() {
  }

  /** Object names are DNS subdomains; a Service's name must be a DNS label that starts with a letter. */
  private static final java.util.regex.Pattern SERVICE_NAME = java.util.regex.Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final int MAX_SERVICE_NAME = 63;
  private static final int MAX_OBJECT_NAME = 253;

  /** The problems of the spec, and of the instance's name for the objects spec.storage and spec.service make. */
  public static List<String> of(ClawInstance instance) {
    List<String> problems = of(instance.getSpec());
    String name = instance.getMetadata().getName();
    if (instance.getSpec().getStorage() != null && ClawPod.claimName(name).length() > MAX_OBJECT_NAME) {
      problems.add("spec.storage needs an instance name of at most " + (MAX_OBJECT_NAME - ClawPod.CLAIM_SUFFIX.length())
          + " characters, since its claim is named <instance>" + ClawPod.CLAIM_SUFFIX);
    }
    if (instance.getSpec().getService() != null
        && (name.length() > MAX_SERVICE_NAME || !SERVICE_NAME.matcher(name).matches())) {
      problems.add("spec.service needs an instance name that can name a Service (a DNS label: at most 63 characters, "
          + "lower-case letters, digits and '-', starting with a letter); " + name + " cannot");
    }
    return problems;
  }

  public static List<String> of(ClawInstanceSpec spec) {
    List<String> problems = new ArrayList<>();
    if (Boolean.TRUE.equals(spec.getAutomountServiceAccountToken()) && blank(spec.getServiceAccountName())) {
      problems.add("spec.automountServiceAccountToken is true without spec.serviceAccountName: name the "
          + "ServiceAccount whose token the app needs (the namespace's default one is not mounted)");
    }
    Set<String> names = new HashSet<>();
    for (AppVolume volume : spec.getVolumes()) {
      if (volume.sourceCount() != 1) {
        problems.add("spec.volumes[" + volume.getName() + "] must have exactly one of configMap, secret, "
            + "persistentVolumeClaim, emptyDir, projected (it has " + volume.sourceCount() + ")");
      }
      if (!names.add(volume.getName())) {
        problems.add("spec.volumes has two volumes named " + volume.getName());
      }
    }
    Set<String> mountPaths = new HashSet<>();
    for (VolumeMount mount : spec.getVolumeMounts()) {
      if (!names.contains(mount.getName())) {
        problems.add("spec.volumeMounts[" + mount.getName() + "] names no volume in spec.volumes");
      }
      mountPaths.add(mount.getMountPath());
    }
    if (spec.getStorage() != null) {
      if (names.contains(ClawPod.STORAGE_VOLUME)) {
        problems.add("spec.volumes[" + ClawPod.STORAGE_VOLUME + "]: that name is the volume of spec.storage; rename it");
      }
      if (mountPaths.contains(spec.getStorage().getMountPath())) {
        problems.add("spec.storage.mountPath " + spec.getStorage().getMountPath() + " is also the mountPath of a volume "
            + "in spec.volumeMounts; choose another");
      }
    }
    problems.addAll(portProblems(spec));
    InstanceRun run = spec.getRun();
    if (run != null && !run.toCompletion() && (run.getBackoffLimit() != null || run.getActiveDeadlineSeconds() != null
        || run.getTtlSecondsAfterFinished() != null)) {
      problems.add("spec.run.backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished are for a run to "
          + "completion: set spec.run.restartPolicy to OnFailure or Never, or remove them");
    }
    return problems;
  }

  private static List<String> portProblems(ClawInstanceSpec spec) {
    List<String> problems = new ArrayList<>();
    List<InstanceService.AppPort> ports = ClawPod.appPorts(spec);
    if (spec.getService() != null && ports.isEmpty()) {
      problems.add("spec.service has no port to serve: set spec.port or spec.service.ports");
    }
    Set<String> names = new HashSet<>();
    Set<String> numbers = new HashSet<>();
    for (InstanceService.AppPort port : ports) {
      if (!names.add(port.getName())) {
        problems.add("spec.service.ports: the name " + port.getName() + " is taken"
            + (ClawPod.APP_PORT.equals(port.getName()) ? " by spec.port" : " twice"));
      }
      if (!numbers.add(port.getPort() + "/" + port.protocolOrDefault())) {
        problems.add("spec.service.ports[" + port.getName() + "]: port " + port.getPort() + "/"
            + port.protocolOrDefault() + " is listed twice (spec.port counts as TCP)");
      }
    }
    return problems;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
