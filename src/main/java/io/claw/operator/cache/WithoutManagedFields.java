package io.claw.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * Informer cache that keeps objects without metadata.managedFields: the API server's record of
 * who set which field, often the biggest part of an object's metadata, which the operator never
 * reads. Its status patches are built from scratch, and server-side apply must not be sent
 * managedFields anyway. The metadata's recurring strings are shared (SharedStrings).
 */
public class WithoutManagedFields<T extends HasMetadata> extends BasicItemStore<T> {

  public WithoutManagedFields() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T resource) {
    resource.getMetadata().setManagedFields(null);
    SharedStrings.shareMetadata(resource);
    return super.put(key, resource);
  }
}
