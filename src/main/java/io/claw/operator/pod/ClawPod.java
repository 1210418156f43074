package io.claw.operator.pod;

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
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullPolicy;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;

/** The Pod an instance should have: built from scratch, no I/O, same inputs give the same Pod. */
public final class ClawPod {

  public static final String CONTAINER_NAME = "claw";

  private static final ObjectMapper CANONICAL_JSON = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private ClawPod() {
  }

  /** The Pod has the instance's name, so there is never more than one per instance. */
  /** The app's container in a Pod, found by its name (a webhook may add containers before it). */
  public static Optional<Container> appContainer(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getContainers() == null ? Optional.empty()
        : pod.getSpec().getContainers().stream().filter(c -> CONTAINER_NAME.equals(c.getName())).findFirst();
  }

  /** The kubelet's status of the app's container, found by its name. */
  public static Optional<ContainerStatus> appContainerStatus(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? Optional.empty()
        : pod.getStatus().getContainerStatuses().stream().filter(c -> CONTAINER_NAME.equals(c.getName())).findFirst();
  }

  public static String podName(ClawInstance instance) {
    return instance.getMetadata().getName();
  }

  public static Pod desired(ClawInstance instance, String image, PullPolicy pullPolicy, PodSecurityProfile profile) {
    ClawInstanceSpec given = instance.getSpec();
    PodSpec spec = podSpec(given, image, pullPolicy, profile);
    // the instance's own labels and annotations first, so that the operator's win
    Map<String, String> labels = new LinkedHashMap<>(given.getPodLabels());
    labels.putAll(Labels.forInstance(instance));
    Map<String, String> annotations = new LinkedHashMap<>(given.getPodAnnotations());
    annotations.put(Labels.POD_SPEC_HASH, specHash(spec, given.getPodLabels(), given.getPodAnnotations()));
    annotations.put(Labels.APPLIED_IMAGE, image);
    return new PodBuilder()
        .withNewMetadata()
          .withName(podName(instance))
          .withNamespace(instance.getMetadata().getNamespace())
          .withLabels(labels)
          .withAnnotations(annotations)
          .withOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion(instance.getApiVersion())
              .withKind(instance.getKind())
              .withName(instance.getMetadata().getName())
              .withUid(instance.getMetadata().getUid())
              .withController(true)
              .withBlockOwnerDeletion(true)
              .build())
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  private static PodSpec podSpec(ClawInstanceSpec spec, String image, PullPolicy pullPolicy, PodSecurityProfile profile) {
    var container = new ContainerBuilder()
        .withName(CONTAINER_NAME)
        .withImage(image)
        .withImagePullPolicy(pullPolicy.value())
        .withCommand(spec.getCommand())
        .withArgs(spec.getArgs())
        .withEnv(spec.getEnv())
        .withResources(spec.getResources())
        .withPorts(ports(spec))
        .withVolumeMounts(spec.getVolumeMounts())
        .withReadinessProbe(spec.getReadinessProbe())
        .withLivenessProbe(spec.getLivenessProbe())
        .withStartupProbe(spec.getStartupProbe())
        .withSecurityContext(PodSecurity.containerContext(spec, profile))
        .build();
    // a token without a named ServiceAccount is refused before a Pod is built (SpecProblems)
    boolean token = Boolean.TRUE.equals(spec.getAutomountServiceAccountToken());
    return new PodSpecBuilder()
        .withContainers(container)
        .withImagePullSecrets(spec.getImagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .withSecurityContext(PodSecurity.podContext(spec, profile))
        .withServiceAccountName(spec.getServiceAccountName())
        .withAutomountServiceAccountToken(token)
        .withVolumes(spec.getVolumes().stream().map(ClawPod::volume).toList())
        .withNodeSelector(spec.getNodeSelector().isEmpty() ? null : spec.getNodeSelector())
        .withTolerations(spec.getTolerations())
        .withAffinity(spec.getAffinity())
        .withPriorityClassName(spec.getPriorityClassName())
        .withTerminationGracePeriodSeconds(spec.getTerminationGracePeriodSeconds())
        .build();
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
    if (spec.getPort() == null) {
      return List.of();
    }
    return List.of(new ContainerPortBuilder().withName("app").withContainerPort(spec.getPort()).withProtocol("TCP").build());
  }

  /**
   * Hash of everything a live Pod cannot change, or that the operator replaces the Pod for: the
   * spec, and the instance's own Pod labels and annotations. The image is left out: it is the one
   * container field Kubernetes lets us update in place.
   */
  static String specHash(PodSpec spec, Map<String, String> podLabels, Map<String, String> podAnnotations) {
    PodSpec withoutImage = new PodSpecBuilder(spec)
        .editFirstContainer().withImage(null).endContainer()
        .build();
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
