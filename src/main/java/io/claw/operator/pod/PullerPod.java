package io.claw.operator.pod;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.PullPolicy;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * The puller: a short-lived Pod bound to the node of an instance's Pod, whose one container is the
 * new image, so that the kubelet pulls it there before the instance's container is moved to it
 * (docs/clawinstance.md, "Image changes: pull first"). The image's entrypoint is not run: an init
 * container from the tool image (the operator's own) installs a static program that exits 0 into
 * an emptyDir, and the new image's container runs that. It asks for almost nothing, passes the
 * restricted Pod Security Standard, has no token and no network use, and pulls with the instance's
 * pull policy and pull secrets, in the instance's namespace: no tenant's credentials pull for
 * another.
 *
 * <p>Its name comes from the node, image, pull policy and pull secrets, so that instances of one
 * namespace that move to one image on one node share one puller, and so one pull.
 */
public final class PullerPod {

  /** Selects the pullers; they do not carry {@link Labels#MANAGED_SELECTOR}, so the app Pods' cache does not hold them. */
  public static final String LABEL = ClawInstance.GROUP + "/puller";
  public static final String SELECTOR = LABEL + "=true";
  /** The image the puller pulls, as the instance's Pod will name it. */
  public static final String IMAGE = ClawInstance.GROUP + "/pull-image";
  /** Where the tool image holds the program; hack/jre-base-image.sh puts it there in the operator's image. */
  public static final String TOOL_PATH = "/usr/local/bin/claw-pull-done";
  public static final String PULL_CONTAINER = "pull";
  static final String TOOL_CONTAINER = "install";
  private static final String TOOL_VOLUME = "claw-pull";
  private static final String TOOL_DIR = "/claw-pull";
  /** Not root, whatever the image says: the program needs nothing, and restricted namespaces admit it. */
  private static final long NOBODY = 65534L;

  private PullerPod() {
  }

  /** What a puller pulls and for whom: the same inputs make the same puller. */
  public record Target(String node, String image, PullPolicy policy, List<String> pullSecrets) {

    public Target {
      pullSecrets = List.copyOf(new TreeSet<>(pullSecrets)); // order does not matter to the kubelet
    }

    public String podName() {
      String key = String.join("\n", node, image, policy.value(), String.join(",", pullSecrets));
      return "claw-pull-" + Labels.sha256(key).substring(0, 16);
    }
  }

  /**
   * @param owner the instance that asked first; an owner reference that does not block its deletion,
   *     so that the garbage collector removes a puller nobody waits for any more
   * @param tolerations those of the instance's Pod, so that the puller stays on its node
   */
  public static Pod desired(ClawInstance owner, Target target, List<Toleration> tolerations, String toolImage) {
    VolumeMount tool = new VolumeMountBuilder().withName(TOOL_VOLUME).withMountPath(TOOL_DIR).build();
    Map<String, Quantity> little = Map.of("cpu", new Quantity("10m"), "memory", new Quantity("16Mi"));
    var resources = new ResourceRequirementsBuilder().withRequests(little).withLimits(little).build();
    Container install = new ContainerBuilder()
        .withName(TOOL_CONTAINER)
        .withImage(toolImage)
        .withImagePullPolicy(PullPolicy.IF_NOT_PRESENT.value())
        .withCommand(TOOL_PATH, "install", TOOL_DIR + "/claw-pull-done")
        .withVolumeMounts(tool)
        .withResources(resources)
        .withSecurityContext(restricted())
        .build();
    Container pull = new ContainerBuilder()
        .withName(PULL_CONTAINER)
        .withImage(target.image())
        .withImagePullPolicy(target.policy().value())
        .withCommand(TOOL_DIR + "/claw-pull-done")
        .withArgs(List.of())
        .withVolumeMounts(tool)
        .withResources(resources)
        .withSecurityContext(restricted())
        .build();
    return new PodBuilder()
        .withNewMetadata()
          .withName(target.podName())
          .withNamespace(owner.getMetadata().getNamespace())
          .withLabels(Map.of(LABEL, "true", Labels.NAME, Labels.NAME_VALUE))
          .withAnnotations(Map.of(IMAGE, target.image()))
          .withOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion(owner.getApiVersion())
              .withKind(owner.getKind())
              .withName(owner.getMetadata().getName())
              .withUid(owner.getMetadata().getUid())
              .withController(false)
              .withBlockOwnerDeletion(false)
              .build())
        .endMetadata()
        .withNewSpec()
          .withNodeName(target.node())
          .withRestartPolicy("Never")
          .withInitContainers(install)
          .withContainers(pull)
          .withImagePullSecrets(target.pullSecrets().stream().map(LocalObjectReference::new).toList())
          .withVolumes(new VolumeBuilder().withName(TOOL_VOLUME).withNewEmptyDir().withSizeLimit(new Quantity("2Mi"))
              .endEmptyDir().build())
          .withAutomountServiceAccountToken(false)
          .withEnableServiceLinks(false)
          .withTerminationGracePeriodSeconds(0L)
          .withTolerations(tolerations)
          .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(NOBODY)
            .withRunAsGroup(NOBODY)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
          .endSecurityContext()
        .endSpec()
        .build();
  }

  private static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .build();
  }

  /** The new image's container of a puller, as the kubelet reports it. */
  public static Optional<ContainerStatus> pullStatus(Pod puller) {
    return Optional.ofNullable(puller.getStatus()).map(s -> s.getContainerStatuses()).stream().flatMap(List::stream)
        .filter(cs -> PULL_CONTAINER.equals(cs.getName())).findFirst();
  }
}
