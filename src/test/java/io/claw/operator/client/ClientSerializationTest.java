package io.claw.operator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The client's serialization: its copies are fabric8's copies, field for field, its watch events
 * name ClawInstance as their class, and what it reads from a byte array is what fabric8's own path
 * reads, without the second buffer.
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

  @ParameterizedTest
  @ValueSource(strings = {"Pod", "ClawInstance", "Pod after white space", "Pod as YAML", "a list"})
  void aByteArrayReadsAsFabric8sOwnPathReadsIt(String what) {
    String text = switch (what) {
      case "Pod" -> POD;
      case "ClawInstance" -> INSTANCE;
      case "Pod after white space" -> " \n\t " + POD;
      case "Pod as YAML" -> serialization.asYaml(serialization.unmarshal(POD));
      default -> "{\"apiVersion\": \"v1\", \"kind\": \"PodList\", \"items\": [" + POD + "]}";
    };

    Object fromTheArray = serialization.unmarshal(new ByteArrayInputStream(bytes(text)));
    Object throughFabric8sBuffer = serialization.unmarshal(new BufferedInputStream(new ByteArrayInputStream(bytes(text))));

    assertEquals(throughFabric8sBuffer.getClass(), fromTheArray.getClass());
    assertEquals(serialization.asJson(throughFabric8sBuffer), serialization.asJson(fromTheArray));
  }

  @Test
  void brokenJsonInAByteArrayIsTheClientsError() {
    KubernetesClientException error = assertThrows(KubernetesClientException.class,
        () -> serialization.unmarshal(new ByteArrayInputStream(bytes("{\"kind\": \"Pod\", \"metadata\": ")), Pod.class));

    assertTrue(error.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException, String.valueOf(error.getCause()));
  }

  @Test
  void readingFromAByteArrayAllocatesNoBufferOfItsOwn() {
    byte[] pod = bytes(POD);
    long fromTheArray = allocatedPerRead(bytes -> serialization.unmarshal(new ByteArrayInputStream(bytes), Pod.class), pod);
    long fabric8sPath = allocatedPerRead(bytes -> serialization.unmarshal(new NotAByteArray(bytes), Pod.class), pod);

    // fabric8's path adds a BufferedInputStream and its 8 KiB array to every read
    assertTrue(fabric8sPath - fromTheArray > 6 * 1024,
        "bytes allocated per read: " + fromTheArray + " from the array, " + fabric8sPath + " through fabric8's buffer");
  }

  /** What one read allocates on this thread, on average, after the reads have warmed up. */
  private static long allocatedPerRead(Function<byte[], Object> read, byte[] json) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 500; i++) {
      read.apply(json);
    }
    int reads = 200;
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < reads; i++) {
      read.apply(json);
    }
    return (threads.getCurrentThreadAllocatedBytes() - before) / reads;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The same bytes in a stream that is not a ByteArrayInputStream, which fabric8's own path reads. */
  private static final class NotAByteArray extends InputStream {
    private final ByteArrayInputStream bytes;

    NotAByteArray(byte[] json) {
      this.bytes = new ByteArrayInputStream(json);
    }

    @Override
    public int read() {
      return bytes.read();
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      return bytes.read(into, offset, length);
    }

    @Override
    public int available() {
      return bytes.available();
    }
  }
}
