package io.claw.operator.reconciler;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * Pod informer cache that keeps only what the operator reads from a Pod: its metadata (less
 * managedFields), the node it is bound to, each container's name, image and pull policy, and the
 * status the kubelet reports. The rest of a live Pod (volumes, tolerations, security contexts,
 * probes, IPs) is never read, and on a node it is most of the object. Like Kubernetes' own
 * controllers, the operator keeps in memory only what it uses.
 *
 * <p>The containers stay in their order, with their names, so that a patch computed from the
 * cached Pod (the in-place image change) addresses the right container.
 */
public class PodsAsRead extends WithoutManagedFields<Pod> {

  @Override
  public Pod put(String key, Pod pod) {
    return super.put(key, asRead(pod));
  }

  static Pod asRead(Pod pod) {
    Pod kept = new Pod();
    kept.setApiVersion(pod.getApiVersion());
    kept.setKind(pod.getKind());
    kept.setMetadata(pod.getMetadata());
    PodSpec spec = pod.getSpec();
    if (spec != null) {
      PodSpec keptSpec = new PodSpec();
      keptSpec.setNodeName(spec.getNodeName());
      keptSpec.setContainers(asRead(spec.getContainers()));
      keptSpec.setInitContainers(asRead(spec.getInitContainers()));
      kept.setSpec(keptSpec);
    }
    PodStatus status = pod.getStatus();
    if (status != null) {
      PodStatus keptStatus = new PodStatus();
      keptStatus.setPhase(status.getPhase());
      keptStatus.setReason(status.getReason());
      keptStatus.setMessage(status.getMessage());
      keptStatus.setConditions(status.getConditions());
      keptStatus.setContainerStatuses(status.getContainerStatuses());
      keptStatus.setInitContainerStatuses(status.getInitContainerStatuses());
      kept.setStatus(keptStatus);
    }
    return kept;
  }

  private static List<Container> asRead(List<Container> containers) {
    if (containers == null) {
      return null;
    }
    return containers.stream().map(c -> {
      Container kept = new Container();
      kept.setName(c.getName());
      kept.setImage(c.getImage());
      kept.setImagePullPolicy(c.getImagePullPolicy());
      return kept;
    }).collect(Collectors.toCollection(ArrayList::new));
  }
}
