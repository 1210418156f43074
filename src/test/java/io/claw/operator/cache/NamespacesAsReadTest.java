package io.claw.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The Namespace cache keeps the name, the Pod Security enforce label and the pull-policy annotation, and
 * nothing else, through adds and updates as the informer makes them.
 */
class NamespacesAsReadTest {

  private static final int NAMESPACES = 1_000;

  /** A Namespace as clusters have them: kubectl's last-applied copy, a team's labels, managedFields, status. */
  private static Namespace namespace(int i, String pullPolicy) {
    Map<String, String> annotations = new HashMap<>();
    annotations.put("kubectl.kubernetes.io/last-applied-configuration", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        + "\"metadata\":{\"labels\":{\"team\":\"team-" + i + "\",\"cost-center\":\"cc-" + (i % 17) + "\"},\"name\":\"team-"
        + i + "\"}}" + "x".repeat(400));
    annotations.put("openshift.io/sa.scc.uid-range", "1000" + i + "0000/10000");
    if (pullPolicy != null) {
      annotations.put("claw.io/default-pull-policy", pullPolicy);
    }
    return new NamespaceBuilder().withNewMetadata()
        .withName("team-" + i).withUid("uid-" + i).withResourceVersion(String.valueOf(1000 + i))
        .withCreationTimestamp("2026-01-01T00:00:00Z")
        .withLabels(Map.of("kubernetes.io/metadata.name", "team-" + i, "team", "team-" + i,
            "cost-center", "cc-" + (i % 17), "pod-security.kubernetes.io/enforce", "restricted",
            "pod-security.kubernetes.io/warn", "restricted"))
        .withAnnotations(annotations)
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl-client-side-apply").withOperation("Update")
            .withApiVersion("v1").withTime("2026-01-01T00:00:00Z").build())
        .endMetadata()
        .withNewSpec().withFinalizers("kubernetes").endSpec()
        .withNewStatus().withPhase("Active").endStatus()
        .build();
  }

  @Test
  void keepsOnlyWhatIsReadThroughAddsAndUpdates() {
    NamespacesAsRead cache = new NamespacesAsRead();
    long full = 0;
    for (int i = 0; i < NAMESPACES; i++) {
      Namespace ns = namespace(i, i % 2 == 0 ? "IfNotPresent" : null);
      full += Serialization.asJson(ns).length();
      cache.put(cache.getKey(ns), ns);
    }
    // updates: the annotation set, changed and removed, as kubectl annotate does
    for (int i = 0; i < NAMESPACES; i++) {
      Namespace ns = namespace(i, i % 3 == 0 ? null : "Always");
      cache.put(cache.getKey(ns), ns);
    }
    long kept = cache.values().mapToLong(ns -> Serialization.asJson(ns).length()).sum();

    Namespace first = cache.get("team-1");
    assertEquals("team-1", first.getMetadata().getName());
    // the Pod Security labels the operator reads (enforce, enforce-version, warn, audit), no other
    assertEquals(Map.of("pod-security.kubernetes.io/enforce", "restricted", "pod-security.kubernetes.io/warn",
        "restricted"), first.getMetadata().getLabels());
    assertEquals(Map.of("claw.io/default-pull-policy", "Always"), first.getMetadata().getAnnotations());
    assertNull(cache.get("team-3").getMetadata().getAnnotations(), "removed on update");
    assertNull(first.getMetadata().getManagedFields());
    assertNull(first.getSpec());
    assertNull(first.getStatus());
    assertSame(cache.get("team-1").getMetadata().getAnnotations().get("claw.io/default-pull-policy"),
        cache.get("team-2").getMetadata().getAnnotations().get("claw.io/default-pull-policy"), "one copy of the value");
    assertEquals(NAMESPACES, cache.size());
    System.out.printf("[namespace cache] %d namespaces: %d bytes of JSON as served, %d kept (%.1f %%)%n",
        NAMESPACES, full, kept, 100.0 * kept / full);
    long served = full;
    assertTrue(kept * 4 < served, () -> "kept " + kept + " of " + served + " bytes");
    List.of("team-0", "team-999").forEach(name -> assertTrue(cache.keySet().anyMatch(name::equals)));
  }
}
