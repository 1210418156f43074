package io.claw.operator.testing;

import java.util.Map;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.pod.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * The Pod the release before automountServiceAccountToken: false created (commit b9599f0), for
 * upgrade tests: the same name, labels, annotations and owner, a spec with only the container,
 * and the hash that release computed for it.
 */
public final class PreviousRelease {

  /** claw.io/pod-spec-hash of a Pod with pullPolicy IfNotPresent and nothing else set, in that release. */
  public static final String POD_SPEC_HASH = "59e5958f4341e3ab";

  private PreviousRelease() {
  }

  /** For an instance with spec.image and no other field set, as that release's operator with its defaults built it. */
  public static Pod pod(ClawInstance instance) {
    return new PodBuilder()
        .withNewMetadata()
          .withName(instance.getMetadata().getName())
          .withNamespace(instance.getMetadata().getNamespace())
          .withLabels(Labels.forInstance(instance))
          .withAnnotations(Map.of(Labels.POD_SPEC_HASH, POD_SPEC_HASH, Labels.APPLIED_IMAGE, instance.getSpec().getImage()))
          .addNewOwnerReference().withApiVersion(instance.getApiVersion()).withKind(instance.getKind())
            .withName(instance.getMetadata().getName()).withUid(instance.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withNewSpec()
          .addNewContainer().withName("claw").withImage(instance.getSpec().getImage())
            .withImagePullPolicy("IfNotPresent").endContainer()
        .endSpec()
        .build();
  }
}
