package io.claw.operator.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PodSecurityProfile;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * Namespace informer cache that keeps what the operator reads from a Namespace: its name, its Pod
 * Security labels (pod-security.kubernetes.io/enforce, enforce-version, warn, audit) and its
 * claw.io/default-pull-policy annotation.
 * Everything else a Namespace carries (other labels and annotations, finalizers, status) is
 * dropped on the way in.
 */
public class NamespacesAsRead extends WithoutManagedFields<Namespace> {

  static final String ENFORCE_LABEL = PodSecurityProfile.ENFORCE_LABEL;
  /** The Pod Security labels the operator reads: the enforced level and its version, the warn and audit levels. */
  static final java.util.Set<String> POD_SECURITY_LABELS = java.util.Set.of(ENFORCE_LABEL,
      PodSecurityProfile.ENFORCE_VERSION_LABEL, PodSecurityProfile.WARN_LABEL, PodSecurityProfile.AUDIT_LABEL);
  static final String PULL_POLICY_ANNOTATION = EffectivePullPolicy.NAMESPACE_ANNOTATION;

  @Override
  public Namespace put(String key, Namespace namespace) {
    return super.put(key, asRead(namespace));
  }

  public static Namespace asRead(Namespace namespace) {
    ObjectMeta meta = namespace.getMetadata();
    ObjectMeta kept = new ObjectMeta();
    kept.setName(meta.getName());
    kept.setUid(meta.getUid());
    kept.setResourceVersion(meta.getResourceVersion());
    kept.setDeletionTimestamp(meta.getDeletionTimestamp());
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels().entrySet().stream()
        .filter(e -> POD_SECURITY_LABELS.contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    kept.setLabels(labels.isEmpty() ? null : labels);
    String pullPolicy = meta.getAnnotations() == null ? null : meta.getAnnotations().get(PULL_POLICY_ANNOTATION);
    // mutable, as every map the cache holds: WithoutManagedFields shares the values in place
    kept.setAnnotations(pullPolicy == null ? null : new HashMap<>(Map.of(PULL_POLICY_ANNOTATION, pullPolicy)));
    kept.setOwnerReferences(null);
    kept.setFinalizers(null);
    Namespace read = new Namespace();
    read.setApiVersion(namespace.getApiVersion());
    read.setKind(namespace.getKind());
    read.setMetadata(kept);
    read.setSpec(null);
    read.setStatus(null);
    return read;
  }
}
