package io.claw.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class WithoutManagedFieldsTest {

  @Test
  void cachedObjectsLoseTheirManagedFieldsAndKeepEverythingElse() {
    Pod pod = new PodBuilder().withNewMetadata().withName("app").withNamespace("ns").withResourceVersion("7")
        .addToLabels("a", "b")
        .withManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update").build()))
        .endMetadata().withNewSpec().addNewContainer().withName("claw").withImage("nginx:1.27").endContainer().endSpec()
        .build();
    WithoutManagedFields<Pod> store = new WithoutManagedFields<>();

    store.put(store.getKey(pod), pod);

    Pod cached = store.get("ns/app");
    assertTrue(cached.getMetadata().getManagedFields() == null || cached.getMetadata().getManagedFields().isEmpty());
    assertEquals("7", cached.getMetadata().getResourceVersion());
    assertEquals("b", cached.getMetadata().getLabels().get("a"));
    assertEquals("nginx:1.27", cached.getSpec().getContainers().get(0).getImage());
  }
}
