package io.claw.operator.pod;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.claw.operator.api.AppVolume;
import io.claw.operator.api.ClawInstanceSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;

/**
 * What makes a spec unbuildable that the CRD schema cannot say on the API servers the operator
 * supports (no CEL validation before 1.25): each found problem names the field and the fix.
 */
public final class SpecProblems {

  private SpecProblems() {
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
    for (VolumeMount mount : spec.getVolumeMounts()) {
      if (!names.contains(mount.getName())) {
        problems.add("spec.volumeMounts[" + mount.getName() + "] names no volume in spec.volumes");
      }
    }
    return problems;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
