package io.claw.operator.pod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.claw.operator.api.AppVolume;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceSpec;
import io.claw.operator.api.InstanceService;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullPolicy;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/** The Pod an instance should have: built from scratch, no I/O, same inputs give the same Pod. */
public final class ClawPod {

  /** The app container's name unless spec.containerName gives another. */
  public static final String CONTAINER_NAME = "claw";
  /** The Pod's volume of the instance's claim (spec.storage); no name in spec.volumes may take it. */
  public static final String STORAGE_VOLUME = "claw-storage";
  /** The name of spec.port among the container's and the Service's ports. */
  public static final String APP_PORT = "app";
  /** Appended to the instance's name for its claim's. */
  public static final String CLAIM_SUFFIX = "-storage";

  private static final ObjectMapper CANONICAL_JSON = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private ClawPod() {
  }

  /** The app's container in a Pod, found by its name (a webhook may add containers before it). */
  public static Optional<Container> appContainer(Pod pod) {
    String name = appContainerName(pod);
    return pod.getSpec() == null || pod.getSpec().getContainers() == null ? Optional.empty()
        : pod.getSpec().getContainers().stream().filter(c -> name.equals(c.getName())).findFirst();
  }

  /** The kubelet's status of the app's container, found by its name. */
  public static Optional<ContainerStatus> appContainerStatus(Pod pod) {
    String name = appContainerName(pod);
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? Optional.empty()
        : pod.getStatus().getContainerStatuses().stream().filter(c -> name.equals(c.getName())).findFirst();
  }

  /** The app container's name in a Pod the operator built: claw, or the one its annotation names. */
  public static String appContainerName(Pod pod) {
    var annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    return annotations == null ? CONTAINER_NAME : annotations.getOrDefault(Labels.APP_CONTAINER, CONTAINER_NAME);
  }

  /** The app container's name that the instance asks for. */
  public static String appContainerName(ClawInstanceSpec spec) {
    return spec.getContainerName() == null ? CONTAINER_NAME : spec.getContainerName();
  }

  /** The Pod has the instance's name, so there is never more than one per instance. */
  public static String podName(ClawInstance instance) {
    return instance.getMetadata().getName();
  }

  /** The claim of spec.storage: the instance's name with a suffix, as a StatefulSet names its claims. */
  public static String claimName(ClawInstance instance) {
    return claimName(instance.getMetadata().getName());
  }

  public static String claimName(String instanceName) {
    return instanceName + CLAIM_SUFFIX;
  }

  /** The instance a claim of the operator's belongs to, from its name; null for another name. */
  public static String instanceOfClaim(String claimName) {
    return claimName.endsWith(CLAIM_SUFFIX) ? claimName.substring(0, claimName.length() - CLAIM_SUFFIX.length()) : null;
  }

  /**
   * The app's ports: spec.port first (named app), then spec.service.ports; each is a container
   * port and, with spec.service, a Service port of the same number and name.
   */
  public static List<InstanceService.AppPort> appPorts(ClawInstanceSpec spec) {
    List<InstanceService.AppPort> ports = new ArrayList<>();
    if (spec.getPort() != null) {
      ports.add(new InstanceService.AppPort(APP_PORT, spec.getPort(), InstanceService.Protocol.TCP));
    }
    if (spec.getService() != null) {
      ports.addAll(spec.getService().getPorts());
    }
    return ports;
  }

  public static Pod desired(ClawInstance instance, String image, PullPolicy pullPolicy, PodSecurityProfile profile) {
    ClawInstanceSpec given = instance.getSpec();
    // built without the image, which the hash leaves out, and given it once hashed: no copy to hash
    PodSpec spec = podSpec(given, claimName(instance), pullPolicy, profile);
    // the instance's own labels and annotations first, so that the operator's win
    Map<String, String> labels = new LinkedHashMap<>(given.getPodLabels());
    labels.putAll(Labels.forInstance(instance));
    Map<String, String> annotations = new LinkedHashMap<>(given.getPodAnnotations());
    Map<String, String> hashed = new LinkedHashMap<>(given.getPodAnnotations());
    String restartedAt = instance.getMetadata().getAnnotations() == null ? null
        : instance.getMetadata().getAnnotations().get(Labels.RESTARTED_AT);
    if (restartedAt != null) {
      // in the hash: a new value replaces the Pod
      hashed.put(Labels.RESTARTED_AT, restartedAt);
      annotations.put(Labels.RESTARTED_AT, restartedAt);
    }
    if (given.getContainerName() != null && !CONTAINER_NAME.equals(given.getContainerName())) {
      annotations.put(Labels.APP_CONTAINER, given.getContainerName());
    }
    annotations.put(Labels.POD_SPEC_HASH, specHash(spec, given.getPodLabels(), hashed));
    spec.getContainers().get(0).setImage(image);
    annotations.put(Labels.APPLIED_IMAGE, image);
    Pod pod = new PodBuilder()
        .withNewMetadata()
          .withName(podName(instance))
          .withNamespace(instance.getMetadata().getNamespace())
          .withLabels(labels)
          .withAnnotations(annotations)
          .withOwnerReferences(Labels.controlledBy(instance))
        .endMetadata()
        .build();
    pod.setSpec(spec); // built here and nobody else's: not copied once more by the builder
    return pod;
  }

  /** The Pod's spec, its app container (the first) without an image. */
  private static PodSpec podSpec(ClawInstanceSpec spec, String claimName, PullPolicy pullPolicy,
      PodSecurityProfile profile) {
    var container = new ContainerBuilder()
        .withName(appContainerName(spec))
        .withImagePullPolicy(pullPolicy.value())
        .withCommand(spec.getCommand())
        .withArgs(spec.getArgs())
        .withEnvFrom(spec.getEnvFrom().isEmpty() ? null : spec.getEnvFrom())
        .withEnv(spec.getEnv())
        .withResources(spec.getResources())
        .withPorts(ports(spec))
        .withVolumeMounts(volumeMounts(spec))
        .withReadinessProbe(spec.getReadinessProbe())
        .withLivenessProbe(spec.getLivenessProbe())
        .withStartupProbe(spec.getStartupProbe())
        .withSecurityContext(PodSecurity.containerContext(spec, profile))
        // a program that writes no termination message still says why it ended: its last log lines
        .withTerminationMessagePolicy(spec.runsToCompletion() ? "FallbackToLogsOnError" : null)
        .build();
    // a token without a named ServiceAccount is refused before a Pod is built (SpecProblems)
    boolean token = Boolean.TRUE.equals(spec.getAutomountServiceAccountToken());
    return new PodSpecBuilder()
        .withContainers(container)
        .withImagePullSecrets(spec.getImagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .withSecurityContext(PodSecurity.podContext(spec, profile))
        .withServiceAccountName(spec.getServiceAccountName())
        .withAutomountServiceAccountToken(token)
        .withVolumes(volumes(spec, claimName))
        .withNodeSelector(spec.getNodeSelector().isEmpty() ? null : spec.getNodeSelector())
        .withTolerations(spec.getTolerations())
        .withAffinity(spec.getAffinity())
        .withPriorityClassName(spec.getPriorityClassName())
        .withTerminationGracePeriodSeconds(spec.getTerminationGracePeriodSeconds())
        // only a run to completion names it: the Pods of every other instance keep their hash
        .withRestartPolicy(spec.runsToCompletion() ? spec.getRun().getRestartPolicy().name() : null)
        .build();
  }

  private static List<Volume> volumes(ClawInstanceSpec spec, String claimName) {
    List<Volume> volumes = new ArrayList<>(spec.getVolumes().stream().map(ClawPod::volume).toList());
    if (spec.getStorage() != null) {
      volumes.add(new VolumeBuilder().withName(STORAGE_VOLUME).withNewPersistentVolumeClaim()
          .withClaimName(claimName).endPersistentVolumeClaim().build());
    }
    return volumes;
  }

  private static List<VolumeMount> volumeMounts(ClawInstanceSpec spec) {
    if (spec.getStorage() == null) {
      return spec.getVolumeMounts();
    }
    List<VolumeMount> mounts = new ArrayList<>(spec.getVolumeMounts());
    mounts.add(new VolumeMountBuilder().withName(STORAGE_VOLUME).withMountPath(spec.getStorage().getMountPath()).build());
    return mounts;
  }

  private static Volume volume(AppVolume v) {
    return new VolumeBuilder()
        .withName(v.getName())
        .withConfigMap(v.getConfigMap())
        .withSecret(v.getSecret())
        .withPersistentVolumeClaim(v.getPersistentVolumeClaim())
        .withEmptyDir(v.getEmptyDir())
        .withProjected(v.getProjected())
        .build();
  }

  private static List<ContainerPort> ports(ClawInstanceSpec spec) {
    return appPorts(spec).stream().map(p -> new ContainerPortBuilder().withName(p.getName())
        .withContainerPort(p.getPort()).withProtocol(p.protocolOrDefault()).build()).toList();
  }

  /**
   * Hash of everything a live Pod cannot change, or that the operator replaces the Pod for: the
   * spec, and the instance's own Pod labels and annotations. The image is left out: it is the one
   * container field Kubernetes lets us update in place.
   */
  static String specHash(PodSpec withoutImage, Map<String, String> podLabels, Map<String, String> podAnnotations) {
    try {
      String hashed = CANONICAL_JSON.writeValueAsString(withoutImage);
      if (!podLabels.isEmpty() || !podAnnotations.isEmpty()) {
        // only when set, so that a Pod without them keeps the hash it had before they existed
        hashed += CANONICAL_JSON.writeValueAsString(Map.of("labels", podLabels, "annotations", podAnnotations));
      }
      return Labels.sha256(hashed).substring(0, 16);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise a Pod spec", e);
    }
  }

  /** True when the live Pod was built from other immutable inputs and must be replaced. */
  public static boolean needsRecreate(Pod live, Pod desired) {
    return !annotation(desired, Labels.POD_SPEC_HASH).equals(annotation(live, Labels.POD_SPEC_HASH));
  }

  /** True when only the image differs from what the operator last applied. */
  public static boolean needsImageUpdate(Pod live, Pod desired) {
    return !annotation(desired, Labels.APPLIED_IMAGE).equals(annotation(live, Labels.APPLIED_IMAGE));
  }

  private static String annotation(Pod pod, String key) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? "" : annotations.getOrDefault(key, "");
  }
}
