package io.claw.operator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The client's serialization: its copies are fabric8's copies, field for field, and its watch
 * events name ClawInstance as their class.
 */
class ClientSerializationTest {

  private static final String POD = """
      {"kind": "Pod", "apiVersion": "v1",
       "metadata": {"name": "web", "namespace": "team-a", "uid": "u1", "resourceVersion": "42",
                    "creationTimestamp": "2026-12-02T10:00:00Z",
                    "labels": {"app.kubernetes.io/instance": "web"}, "annotations": {"claw.io/applied-image": "nginx:1.27"},
                    "ownerReferences": [{"apiVersion": "claw.io/v1alpha1", "kind": "ClawInstance", "name": "web",
                                         "uid": "i1", "controller": true, "blockOwnerDeletion": true}]},
       "spec": {"containers": [{"name": "claw", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent",
                                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                                "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "0.1"}},
                                "securityContext": {"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}}}],
                "terminationGracePeriodSeconds": 30, "someFieldOfANewerApiServer": {"kept": [1, 2.5, "three"]}},
       "status": {"phase": "Pending", "containerStatuses": [{"name": "claw", "ready": false, "restartCount": 0,
                  "image": "nginx:1.27", "imageID": "",
                  "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}}]}}""";

  private static final String INSTANCE = """
      {"apiVersion": "claw.io/v1alpha1", "kind": "ClawInstance",
       "metadata": {"name": "web", "namespace": "team-a", "uid": "i1", "generation": 2, "resourceVersion": "7",
                    "labels": {"team": "a"}},
       "spec": {"image": "registry.local/app:1", "imagePullSecrets": ["regcred"], "pullPolicy": "Always"},
       "status": {"pullPolicy": "IfNotPresent", "image": "registry.local/app:1",
                  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainerCreating", "message": "m",
                                  "lastTransitionTime": "2026-12-02T10:00:00Z", "observedGeneration": 2}]}}""";

  private final KubernetesSerialization serialization = new ClientSerialization()
      .kubernetesSerialization(new ObjectMapper(), new Class[] {Pod.class});

  @ParameterizedTest
  @ValueSource(strings = {"Pod", "ClawInstance"})
  void aCopyIsFabric8sCopyAndStandsAlone(String kind) {
    HasMetadata original = serialization.unmarshal(kind.equals("Pod") ? POD : INSTANCE);
    KubernetesSerialization fabric8 = new KubernetesSerialization();

    HasMetadata copy = serialization.clone(original);

    assertNotSame(original, copy);
    assertEquals(original.getClass(), copy.getClass());
    assertEquals(fabric8.asJson(fabric8.clone(original)), fabric8.asJson(copy));
    copy.getMetadata().getLabels().put("changed", "in the copy only");
    assertFalse(original.getMetadata().getLabels().containsKey("changed"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ADDED", "MODIFIED"})
  void instanceEventsNameTheirClass(String type) {
    WatchEvent event = serialization.unmarshal("{\"type\": \"" + type + "\", \"object\": " + INSTANCE + "}", WatchEvent.class);

    assertEquals(ClawInstance.class, event.getObject().getClass());
  }
}
