package io.claw.operator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.claw.operator.testing.ClientJson;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;

/** The operator's client skips metadata.managedFields both ways and keeps the rest of the metadata. */
class ManagedFieldsUnreadTest {

  /** A Pod as the API server sends it, its managedFields first among the metadata as on 1.20. */
  private static final String POD = """
      {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "web", "namespace": "team-a", "uid": "u1", "resourceVersion": "42",
                    "labels": {"app.kubernetes.io/instance": "web"},
                    "managedFields": [{"manager": "claw-operator", "operation": "Update", "apiVersion": "v1",
                                       "time": "2026-12-06T10:00:00Z", "fieldsType": "FieldsV1",
                                       "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app.kubernetes.io/instance": {}}},
                                                    "f:spec": {"f:containers": {"k:{\\"name\\":\\"claw\\"}": {"f:image": {}}}}}}],
                    "annotations": {"claw.io/applied-image": "nginx:1.27"}},
       "spec": {"containers": [{"name": "claw", "image": "nginx:1.27"}]}}""";

  @Test
  void aResponseIsReadWithoutItsManagedFieldsAndWithEverythingElse() {
    Pod pod = ClientJson.with(new ManagedFieldsUnread()).unmarshal(POD, Pod.class);

    assertNoManagedFields(pod);
    assertFalse(pod.getMetadata().getAdditionalProperties().containsKey("managedFields"),
        "ignored, not kept aside: " + pod.getMetadata().getAdditionalProperties());
    assertEquals("42", pod.getMetadata().getResourceVersion());
    assertEquals("web", pod.getMetadata().getLabels().get("app.kubernetes.io/instance"));
    assertEquals("nginx:1.27", pod.getMetadata().getAnnotations().get("claw.io/applied-image"));
    assertEquals("nginx:1.27", pod.getSpec().getContainers().get(0).getImage());
  }

  @Test
  void aWatchEventsObjectIsReadWithoutItsManagedFields() {
    WatchEvent event = ClientJson.with(new ManagedFieldsUnread()).unmarshal("{\"type\": \"ADDED\", \"object\": " + POD + "}",
        WatchEvent.class);

    Pod pod = (Pod) event.getObject();
    assertNoManagedFields(pod);
    assertEquals("u1", pod.getMetadata().getUid());
  }

  /** Not read: ObjectMeta's own empty list. */
  private static void assertNoManagedFields(Pod pod) {
    assertTrue(pod.getMetadata().getManagedFields() == null || pod.getMetadata().getManagedFields().isEmpty(),
        String.valueOf(pod.getMetadata().getManagedFields()));
  }

  /** The control: fabric8's own serialization reads them, so the tests above see the customizer's work. */
  @Test
  void withoutTheCustomizerTheyAreRead() {
    Pod pod = ClientJson.with().unmarshal(POD, Pod.class);

    assertEquals("claw-operator", pod.getMetadata().getManagedFields().get(0).getManager());
  }

  @Test
  void noWriteCarriesManagedFields() {
    Pod pod = new PodBuilder().withNewMetadata().withName("web").withNamespace("team-a")
        .withManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").build()))
        .endMetadata().build();

    String json = ClientJson.with(new ManagedFieldsUnread()).asJson(pod);

    assertFalse(json.contains("managedFields"), json);
    assertTrue(json.contains("\"name\":\"web\""), json);
  }
}
