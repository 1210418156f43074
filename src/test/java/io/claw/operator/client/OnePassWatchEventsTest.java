package io.claw.operator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.testing.ClientJson;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A watch event's object read in one pass comes out as fabric8's two passes make it, whatever the
 * order of its fields and whatever its kind.
 */
class OnePassWatchEventsTest {

  private static final String POD_REST = """
      "metadata": {"name": "web", "namespace": "team-a", "uid": "u1", "resourceVersion": "42",
                   "labels": {"app.kubernetes.io/instance": "web"}, "annotations": {"claw.io/applied-image": "nginx:1.27"},
                   "ownerReferences": [{"apiVersion": "claw.io/v1alpha1", "kind": "ClawInstance", "name": "web", "uid": "i1", "controller": true}]},
      "spec": {"containers": [{"name": "claw", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent",
                               "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}}}],
               "someFieldOfANewerApiServer": {"kept": true}},
      "status": {"phase": "Pending", "containerStatuses": [{"name": "claw", "ready": false, "restartCount": 0,
                 "image": "nginx:1.27", "imageID": "",
                 "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}}]}""";

  private static final String INSTANCE_REST = """
      "metadata": {"name": "web", "namespace": "team-a", "uid": "i1", "generation": 2},
      "spec": {"image": "registry.local/app:1", "imagePullSecrets": ["regcred"]},
      "status": {"pullPolicy": "IfNotPresent", "image": "registry.local/app:1",
                 "conditions": [{"type": "Ready", "status": "False", "reason": "ContainerCreating", "message": "m",
                                 "lastTransitionTime": "2026-12-02T10:00:00Z", "observedGeneration": 2}]}""";

  private static Object read(KubernetesSerialization serialization, String object) {
    return serialization.unmarshal("{\"type\": \"MODIFIED\", \"object\": " + object + "}", WatchEvent.class).getObject();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // as the API server writes a Pod: kind and apiVersion first
      "{\"kind\": \"Pod\", \"apiVersion\": \"v1\", " + "%POD%" + "}",
      // as it writes a custom resource: apiVersion and kind first
      "{\"apiVersion\": \"claw.io/v1alpha1\", \"kind\": \"ClawInstance\", " + "%INSTANCE%" + "}",
      // last, or apart: read all the same
      "{" + "%POD%" + ", \"kind\": \"Pod\", \"apiVersion\": \"v1\"}",
      "{\"kind\": \"Pod\", " + "%POD%" + ", \"apiVersion\": \"v1\"}",
      // a kind no class is registered for, and no kind at all: fabric8's own reading
      "{\"apiVersion\": \"example.com/v1\", \"kind\": \"Widget\", \"metadata\": {\"name\": \"w\"}, \"spec\": {\"size\": 3}}",
      "{\"metadata\": {\"name\": \"w\"}, \"spec\": {\"size\": 3}}",
      // the object of an ERROR event
      "{\"kind\": \"Status\", \"apiVersion\": \"v1\", \"metadata\": {}, \"status\": \"Failure\", "
          + "\"message\": \"too old resource version: 1 (2)\", \"reason\": \"Expired\", \"code\": 410}",
  })
  void readsTheObjectAsFabric8Does(String template) {
    String object = template.replace("%POD%", POD_REST).replace("%INSTANCE%", INSTANCE_REST);
    KubernetesSerialization onePass = ClientJson.with(new OnePassWatchEvents());
    KubernetesSerialization fabric8 = ClientJson.with();

    Object read = read(onePass, object);
    Object expected = read(fabric8, object);

    assertEquals(expected.getClass(), read.getClass());
    assertEquals(fabric8.asJson(expected), onePass.asJson(read));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Pod", "ClawInstance", "Widget", "Status"})
  void eachKindBecomesItsClass(String kind) {
    String object = switch (kind) {
      case "Pod" -> "{\"kind\": \"Pod\", \"apiVersion\": \"v1\", " + POD_REST + "}";
      case "ClawInstance" -> "{\"apiVersion\": \"claw.io/v1alpha1\", \"kind\": \"ClawInstance\", " + INSTANCE_REST + "}";
      case "Widget" -> "{\"apiVersion\": \"example.com/v1\", \"kind\": \"Widget\", \"metadata\": {\"name\": \"w\"}}";
      default -> "{\"kind\": \"Status\", \"apiVersion\": \"v1\", \"status\": \"Failure\", \"code\": 410}";
    };

    Object read = read(ClientJson.with(new OnePassWatchEvents()), object);

    Class<?> expected = switch (kind) {
      case "Pod" -> Pod.class;
      case "ClawInstance" -> ClawInstance.class;
      case "Widget" -> GenericKubernetesResource.class;
      default -> Status.class;
    };
    assertEquals(expected, read.getClass());
    if (read instanceof Pod pod) {
      assertEquals("ImagePullBackOff", pod.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason());
      assertEquals(java.util.Map.of("kept", true), pod.getSpec().getAdditionalProperties().get("someFieldOfANewerApiServer"));
    }
  }
}
