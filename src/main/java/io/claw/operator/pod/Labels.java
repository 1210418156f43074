package io.claw.operator.pod;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** The labels and annotations the operator puts on what it owns. One place, shared by all. */
public final class Labels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "claw-operator";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String NAME_VALUE = "claw";
  public static final String INSTANCE = "app.kubernetes.io/instance";

  /** Selects every Pod the operator manages; the Pod informer watches only these. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

  /** Hash of the Pod inputs that cannot change on a live Pod; a new value means recreate. */
  public static final String POD_SPEC_HASH = ClawInstance.GROUP + "/pod-spec-hash";
  /** The image last applied by the operator; the one Pod field updated in place. */
  public static final String APPLIED_IMAGE = ClawInstance.GROUP + "/image";
  /** For a Pod that runs a resolved tag by digest: the reference with the tag it was resolved from. */
  public static final String RESOLVED_FROM = ClawInstance.GROUP + "/resolved-from";
  /**
   * How many Pods of the instance had ended in a row when this one was created; the back-off
   * before the next replacement grows with it.
   */
  public static final String ENDED_PODS = ClawInstance.GROUP + "/ended-pods";

  /** On a Pod whose app container is not named claw (spec.containerName): that name. */
  public static final String APP_CONTAINER = ClawInstance.GROUP + "/app-container";
  /**
   * Set on an instance (any value, e.g. a time) to restart it: copied to its Pod, where a new value
   * replaces the Pod once, gracefully, as kubectl rollout restart does for a Deployment.
   */
  public static final String RESTARTED_AT = ClawInstance.GROUP + "/restartedAt";

  /** A run to completion: failed runs before this Pod was created (counted against spec.run.backoffLimit). */
  public static final String FAILED_RUNS = ClawInstance.GROUP + "/failed-runs";
  /** A run to completion: runs disrupted (evicted, preempted, node shut down) before this Pod was created. */
  public static final String DISRUPTED_RUNS = ClawInstance.GROUP + "/disrupted-runs";

  private static final int MAX_LABEL_VALUE = 63;

  private Labels() {
  }

  public static Map<String, String> forInstance(ClawInstance instance) {
    return Map.of(
        MANAGED_BY, MANAGED_BY_VALUE,
        NAME, NAME_VALUE,
        INSTANCE, labelValue(instance.getMetadata().getName()));
  }

  /**
   * The instance as the controller of what it owns (Pod, Service, a claim that goes with it), so
   * that the garbage collector deletes it with the instance.
   */
  public static OwnerReference controlledBy(ClawInstance instance) {
    return new OwnerReferenceBuilder()
        .withApiVersion(instance.getApiVersion())
        .withKind(instance.getKind())
        .withName(instance.getMetadata().getName())
        .withUid(instance.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * A count the operator wrote into an annotation of its own (ended Pods, failed runs); anyone may
   * edit it, so a value that is no count counts as none.
   */
  public static int count(HasMetadata resource, String annotation) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(annotation);
    return value != null && value.matches("[0-9]{1,4}") ? Integer.parseInt(value) : 0;
  }

  public static boolean hasAll(HasMetadata resource, Map<String, String> labels) {
    Map<String, String> present = resource.getMetadata().getLabels();
    return present != null && present.entrySet().containsAll(labels.entrySet());
  }

  /**
   * Object names may be up to 253 characters, label values only 63: long names are cut and
   * suffixed with a hash so that they stay distinct.
   */
  static String labelValue(String name) {
    if (name.length() <= MAX_LABEL_VALUE) {
      return name;
    }
    String suffix = sha256(name).substring(0, 10);
    String head = name.substring(0, MAX_LABEL_VALUE - suffix.length() - 1).replaceAll("[^A-Za-z0-9]+$", "");
    return head + "-" + suffix;
  }

  static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
