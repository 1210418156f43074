package io.claw.operator.cache;

import static io.claw.operator.cache.SharedStrings.nullToEmpty;
import static io.claw.operator.cache.SharedStrings.share;

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
 * cached Pod (the in-place image change) addresses the right container. Recurring strings are
 * shared (SharedStrings).
 */
public class PodsAsRead extends WithoutManagedFields<Pod> {

  @Override
  public Pod put(String key, Pod pod) {
    return super.put(key, asRead(pod));
  }

  /** The Pod as this store keeps it. */
  public static Pod asRead(Pod pod) {
    Pod kept = new Pod();
    kept.setApiVersion(pod.getApiVersion());
    kept.setKind(share(pod.getKind()));
    kept.setMetadata(pod.getMetadata());
    PodSpec spec = pod.getSpec();
    if (spec != null) {
      PodSpec keptSpec = emptySpec();
      keptSpec.setNodeName(share(spec.getNodeName()));
      keptSpec.setContainers(asRead(spec.getContainers()));
      keptSpec.setInitContainers(asRead(spec.getInitContainers()));
      kept.setSpec(keptSpec);
    }
    PodStatus status = pod.getStatus();
    if (status != null) {
      PodStatus keptStatus = emptyStatus();
      keptStatus.setPhase(share(status.getPhase()));
      keptStatus.setReason(share(status.getReason()));
      keptStatus.setMessage(share(status.getMessage()));
      keptStatus.setConditions(status.getConditions());
      nullToEmpty(status.getConditions()).forEach(SharedStrings::shareStrings);
      keptStatus.setContainerStatuses(status.getContainerStatuses());
      keptStatus.setInitContainerStatuses(status.getInitContainerStatuses());
      keptStatus.setEphemeralContainerStatuses(status.getEphemeralContainerStatuses());
      nullToEmpty(status.getContainerStatuses()).forEach(SharedStrings::shareStrings);
      nullToEmpty(status.getInitContainerStatuses()).forEach(SharedStrings::shareStrings);
      nullToEmpty(status.getEphemeralContainerStatuses()).forEach(SharedStrings::shareStrings);
      kept.setStatus(keptStatus);
    }
    return kept;
  }

  private static List<Container> asRead(List<Container> containers) {
    if (containers == null) {
      return null;
    }
    return containers.stream().map(c -> {
      Container kept = emptyContainer();
      kept.setName(share(c.getName()));
      kept.setImage(share(c.getImage()));
      kept.setImagePullPolicy(share(c.getImagePullPolicy()));
      return kept;
    }).collect(Collectors.toCollection(ArrayList::new));
  }

  // fabric8's model objects start with an empty list or map in every collection field, a dozen
  // per PodSpec; the fields the operator never reads are left null instead.

  private static PodSpec emptySpec() {
    PodSpec spec = new PodSpec();
    spec.setEphemeralContainers(null);
    spec.setHostAliases(null);
    spec.setImagePullSecrets(null);
    spec.setNodeSelector(null);
    spec.setOverhead(null);
    spec.setReadinessGates(null);
    spec.setResourceClaims(null);
    spec.setSchedulingGates(null);
    spec.setTolerations(null);
    spec.setTopologySpreadConstraints(null);
    spec.setVolumes(null);
    return spec;
  }

  private static Container emptyContainer() {
    Container container = new Container();
    container.setArgs(null);
    container.setCommand(null);
    container.setEnv(null);
    container.setEnvFrom(null);
    container.setPorts(null);
    container.setResizePolicy(null);
    container.setRestartPolicyRules(null);
    container.setVolumeDevices(null);
    container.setVolumeMounts(null);
    return container;
  }

  private static PodStatus emptyStatus() {
    PodStatus status = new PodStatus();
    status.setEphemeralContainerStatuses(null);
    status.setHostIPs(null);
    status.setPodIPs(null);
    status.setResourceClaimStatuses(null);
    return status;
  }
}
