package io.claw.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class PodsAsReadTest {

  /** A Pod as a node reports it: token volume, default tolerations, probes, IPs. */
  private static Pod livePod() {
    return new PodBuilder()
        .withNewMetadata().withName("app").withNamespace("ns").withUid("u-1").withResourceVersion("7")
          .addToLabels("app.kubernetes.io/managed-by", "claw-operator").addToAnnotations("claw.io/pod-spec-hash", "h")
          .addNewOwnerReference().withName("app").withUid("owner").withKind("ClawInstance").withController(true)
          .endOwnerReference()
          .withManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubelet").build()))
        .endMetadata()
        .withNewSpec().withNodeName("node-1").withServiceAccountName("default")
          .addNewInitContainer().withName("init").withImage("busybox:1").endInitContainer()
          .addNewContainer().withName("claw").withImage("nginx:1.27").withImagePullPolicy("Always")
            .addNewEnv().withName("MODE").withValue("prod").endEnv()
            .addNewVolumeMount().withName("token").withMountPath("/var/run/secrets").endVolumeMount()
            .withNewReadinessProbe().withNewHttpGet().withPath("/").endHttpGet().endReadinessProbe()
          .endContainer()
          .addNewContainer().withName("sidecar").withImage("envoy:1").endContainer()
          .addNewVolume().withName("token").withNewSecret().withSecretName("default-token").endSecret().endVolume()
          .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists").endToleration()
        .endSpec()
        .withNewStatus().withPhase("Pending").withHostIP("192.0.2.2").withPodIP("10.244.0.5").withQosClass("BestEffort")
          .addNewCondition().withType("Ready").withStatus("False").endCondition()
          .addNewContainerStatus().withName("claw").withImageID("sha256:1")
            .withNewState().withNewWaiting().withReason("ImagePullBackOff").endWaiting().endState()
          .endContainerStatus()
          .addNewInitContainerStatus().withName("init").withReady(true).endInitContainerStatus()
        .endStatus()
        .build();
  }

  @Test
  void keepsWhatTheOperatorReadsAndDropsTheRest() {
    Pod live = livePod();
    PodsAsRead store = new PodsAsRead();
    store.put(store.getKey(live), new KubernetesSerialization().clone(live));

    Pod cached = store.get("ns/app");
    assertEquals(live.getMetadata().getUid(), cached.getMetadata().getUid());
    assertEquals("7", cached.getMetadata().getResourceVersion());
    assertEquals(live.getMetadata().getLabels(), cached.getMetadata().getLabels());
    assertEquals(live.getMetadata().getAnnotations(), cached.getMetadata().getAnnotations());
    assertEquals(live.getMetadata().getOwnerReferences(), cached.getMetadata().getOwnerReferences());
    assertTrue(cached.getMetadata().getManagedFields() == null || cached.getMetadata().getManagedFields().isEmpty());
    assertEquals("node-1", cached.getSpec().getNodeName());
    // containers in order, by name, with image and policy only
    assertEquals(List.of("claw", "sidecar"), cached.getSpec().getContainers().stream().map(c -> c.getName()).toList());
    assertEquals("nginx:1.27", cached.getSpec().getContainers().get(0).getImage());
    assertEquals("Always", cached.getSpec().getContainers().get(0).getImagePullPolicy());
    assertNull(cached.getSpec().getContainers().get(0).getEnv());
    assertNull(cached.getSpec().getContainers().get(0).getReadinessProbe());
    assertEquals("init", cached.getSpec().getInitContainers().get(0).getName());
    assertNull(cached.getSpec().getVolumes());
    assertNull(cached.getSpec().getTolerations());
    assertNull(cached.getSpec().getServiceAccountName());
    // the status as the kubelet reported it, less addresses
    assertEquals(live.getStatus().getContainerStatuses(), cached.getStatus().getContainerStatuses());
    assertEquals(live.getStatus().getInitContainerStatuses(), cached.getStatus().getInitContainerStatuses());
    assertEquals(live.getStatus().getConditions(), cached.getStatus().getConditions());
    assertEquals("Pending", cached.getStatus().getPhase());
    assertNull(cached.getStatus().getPodIP());
    assertNull(cached.getStatus().getPodIPs());
  }

  @Test
  void twoPodsParsedApartShareTheirRecurringStrings() {
    var serialization = new KubernetesSerialization();
    PodsAsRead store = new PodsAsRead();
    String json = serialization.asJson(livePod());
    store.put("ns/a", serialization.unmarshal(json, Pod.class));
    store.put("ns/b", serialization.unmarshal(json, Pod.class));

    Pod a = store.get("ns/a");
    Pod b = store.get("ns/b");
    assertNotSame(a, b);
    assertSame(a.getMetadata().getNamespace(), b.getMetadata().getNamespace());
    assertSame(a.getMetadata().getLabels().get("app.kubernetes.io/managed-by"),
        b.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    assertSame(a.getMetadata().getOwnerReferences().get(0).getKind(), b.getMetadata().getOwnerReferences().get(0).getKind());
    assertSame(a.getSpec().getContainers().get(0).getImage(), b.getSpec().getContainers().get(0).getImage());
    assertSame(a.getSpec().getNodeName(), b.getSpec().getNodeName());
    assertSame(a.getStatus().getConditions().get(0).getType(), b.getStatus().getConditions().get(0).getType());
    assertSame(a.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason(),
        b.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason());
    // unique per object, so not shared: the name parsed from each event stays its own
    assertNotSame(a.getMetadata().getUid(), b.getMetadata().getUid());
  }
}
