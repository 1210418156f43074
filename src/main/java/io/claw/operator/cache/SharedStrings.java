package io.claw.operator.cache;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * One copy of each string that recurs from one cached object to the next (namespace, label and
 * annotation values, owner kinds, images, phases, reasons) instead of one per object: every watch
 * event is parsed into new strings, and strings were about a third of the operator's live heap
 * with thousands of instances cached (docs/benchmark.md). Names, uids and resourceVersions are
 * unique and left alone.
 */
final class SharedStrings {

  private SharedStrings() {
  }

  static String share(String value) {
    return value == null ? null : value.intern();
  }

  static void shareMetadata(HasMetadata object) {
    object.setApiVersion(share(object.getApiVersion()));
    ObjectMeta metadata = object.getMetadata();
    metadata.setNamespace(share(metadata.getNamespace()));
    metadata.setCreationTimestamp(share(metadata.getCreationTimestamp()));
    metadata.setDeletionTimestamp(share(metadata.getDeletionTimestamp()));
    shareValues(metadata.getLabels());
    shareValues(metadata.getAnnotations());
    nullToEmpty(metadata.getOwnerReferences()).forEach(owner -> {
      owner.setApiVersion(share(owner.getApiVersion()));
      owner.setKind(share(owner.getKind()));
    });
  }

  static void shareStrings(PodCondition condition) {
    condition.setType(share(condition.getType()));
    condition.setStatus(share(condition.getStatus()));
    condition.setReason(share(condition.getReason()));
    condition.setMessage(share(condition.getMessage()));
    condition.setLastTransitionTime(share(condition.getLastTransitionTime()));
    condition.setLastProbeTime(share(condition.getLastProbeTime()));
  }

  static void shareStrings(ContainerStatus status) {
    status.setName(share(status.getName()));
    status.setImage(share(status.getImage()));
    status.setImageID(share(status.getImageID()));
    ContainerState state = status.getState();
    if (state != null && state.getWaiting() != null) {
      state.getWaiting().setReason(share(state.getWaiting().getReason()));
      state.getWaiting().setMessage(share(state.getWaiting().getMessage()));
    }
  }

  private static void shareValues(Map<String, String> map) {
    if (map != null) {
      map.replaceAll((key, value) -> share(value));
    }
  }

  static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
