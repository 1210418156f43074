package io.claw.operator.pod;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceSpec;
import io.claw.operator.api.PullPolicy;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;

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
  public static String podName(ClawInstance instance) {
    return instance.getMetadata().getName();
  }

  public static Pod desired(ClawInstance instance, String image, PullPolicy pullPolicy) {
    PodSpec spec = podSpec(instance.getSpec(), image, pullPolicy);
    return new PodBuilder()
        .withNewMetadata()
          .withName(podName(instance))
          .withNamespace(instance.getMetadata().getNamespace())
          .withLabels(Labels.forInstance(instance))
          .withAnnotations(Map.of(
              Labels.POD_SPEC_HASH, specHash(spec),
              Labels.APPLIED_IMAGE, image))
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

  private static PodSpec podSpec(ClawInstanceSpec spec, String image, PullPolicy pullPolicy) {
    var container = new ContainerBuilder()
        .withName(CONTAINER_NAME)
        .withImage(image)
        .withImagePullPolicy(pullPolicy.value())
        .withEnv(spec.getEnv())
        .withResources(spec.getResources())
        .withPorts(ports(spec))
        .build();
    return new PodSpecBuilder()
        .withContainers(container)
        .withImagePullSecrets(spec.getImagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .build();
  }

  private static List<ContainerPort> ports(ClawInstanceSpec spec) {
    if (spec.getPort() == null) {
      return List.of();
    }
    return List.of(new ContainerPortBuilder().withName("app").withContainerPort(spec.getPort()).withProtocol("TCP").build());
  }

  /**
   * Hash of everything in the spec a live Pod cannot change. The image is left out: it is the
   * one container field Kubernetes lets us update in place.
   */
  static String specHash(PodSpec spec) {
    PodSpec withoutImage = new PodSpecBuilder(spec)
        .editFirstContainer().withImage(null).endContainer()
        .build();
    try {
      return Labels.sha256(CANONICAL_JSON.writeValueAsString(withoutImage)).substring(0, 16);
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
