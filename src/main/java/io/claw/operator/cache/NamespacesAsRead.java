package io.claw.operator.cache;

import java.util.Map;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * Namespace informer cache that keeps what the operator reads from a Namespace: its name and
 * its Pod Security labels (pod-security.kubernetes.io/...). Everything else a Namespace carries
 * (other labels, annotations, finalizers, status) is dropped on the way in.
 */
public class NamespacesAsRead extends WithoutManagedFields<Namespace> {

  static final String POD_SECURITY_PREFIX = "pod-security.kubernetes.io/";

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
        .filter(e -> e.getKey().startsWith(POD_SECURITY_PREFIX))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    kept.setLabels(labels.isEmpty() ? null : labels);
    kept.setAnnotations(null);
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
