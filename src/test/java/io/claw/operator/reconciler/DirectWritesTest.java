package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * DirectWrites sends what fabric8's DSL sends for the same write, and answers as it does: both are
 * sent to one HTTP server that records each request (method, path and query, content type, body)
 * and answers as the test tells it. A fabric8 upgrade that changes either request shows here.
 */
class DirectWritesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATUS_422 = """
      {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
      "message":"Pod \\"app\\" is invalid: spec.containers[0].image: Required value","reason":"Invalid",\
      "details":{"name":"app","kind":"Pod","causes":[{"reason":"FieldValueRequired",\
      "message":"Required value","field":"spec.containers[0].image"}]},"code":422}""";

  record Seen(String method, String pathAndQuery, String contentType, JsonNode body) {
  }

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private KubernetesClient client;
  private volatile int answerCode = 201;
  private volatile String answerBody;

  @BeforeEach
  void recordingServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
          exchange.getRequestHeaders().getFirst("Content-Type"), JSON.readTree(body)));
      // a success echoes the body, as the API server answers with the object it stored
      byte[] answer = answerBody == null ? body : answerBody.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(answerCode, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    client = clientOf(server.getAddress().getPort(), 10_000);
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  private static KubernetesClient clientOf(int port, int requestTimeoutMillis) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + port + "/")
        .withRequestTimeout(requestTimeoutMillis).withRequestRetryBackoffLimit(0).build()).build();
  }

  private static Pod pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("team-a")
        .addToLabels("app", name).addToAnnotations("note", "caf\u00e9 \u2615").endMetadata()
        .withNewSpec().addNewContainer().withName("claw").withImage("nginx:1.27").withImagePullPolicy("IfNotPresent")
        .endContainer().withAutomountServiceAccountToken(false).endSpec().build();
  }

  private static ClawInstance statusOnly() {
    ClawInstance instance = Fixtures.instance("team-a", "app", "nginx:1.27", null);
    return StatusWrite.statusOnly(instance, ClawInstanceStatus.builder().phase(Phase.Pending).message("waiting")
        .pullPolicy(PullPolicy.IF_NOT_PRESENT).observedGeneration(1L).build());
  }

  @Test
  void theCreateIsThePostFabric8Sends() {
    Pod viaDsl = client.resource(pod("app")).create();
    Pod direct = DirectWrites.createPod(client, pod("app"));

    assertEquals(2, seen.size(), seen.toString());
    assertEquals(seen.get(0), seen.get(1));
    assertEquals("POST", seen.get(1).method());
    assertEquals("/api/v1/namespaces/team-a/pods", seen.get(1).pathAndQuery());
    // the answer read the same way: the same Pod, non-ASCII text included
    assertEquals(viaDsl, direct);
    assertEquals("caf\u00e9 \u2615", direct.getMetadata().getAnnotations().get("note"));
  }

  @Test
  void theStatusWriteIsTheServerSideApplyJosdkAsksFabric8For() {
    ClawInstance viaDsl = client.resource(statusOnly()).subresource("status").patch(new PatchContext.Builder()
        .withForce(true).withFieldManager("clawinstance").withPatchType(PatchType.SERVER_SIDE_APPLY).build());
    ClawInstance direct = DirectWrites.applyStatus(client, statusOnly(), "clawinstance");

    assertEquals(2, seen.size(), seen.toString());
    assertEquals(seen.get(0), seen.get(1));
    assertEquals("PATCH", seen.get(1).method());
    assertEquals("/apis/claw.io/v1alpha1/namespaces/team-a/clawinstances/app/status?fieldManager=clawinstance&force=true",
        seen.get(1).pathAndQuery());
    assertTrue(seen.get(1).contentType().startsWith("application/apply-patch+yaml"), seen.get(1).contentType());
    // the answer read the same way (the spec type has no equals of its own)
    assertEquals(client.getKubernetesSerialization().asJson(viaDsl), client.getKubernetesSerialization().asJson(direct));
    assertEquals(Phase.Pending, direct.getStatus().phase());
  }

  @Test
  void aFieldManagerIsSentEncoded() {
    DirectWrites.applyStatus(client, statusOnly(), "claw operator/1");
    assertTrue(seen.get(0).pathAndQuery().endsWith("/status?fieldManager=claw+operator%2F1&force=true"),
        seen.get(0).pathAndQuery());
  }

  /** What the reconciler reads from a refusal (Refusal.of): the code, and the API server's Status. */
  @Test
  void aRefusalIsTheExceptionFabric8Throws() {
    answerCode = 422;
    answerBody = STATUS_422;
    KubernetesClientException viaDsl = assertThrows(KubernetesClientException.class,
        () -> client.resource(pod("app")).create());
    KubernetesClientException direct = assertThrows(KubernetesClientException.class,
        () -> DirectWrites.createPod(client, pod("app")));

    assertEquals(422, direct.getCode());
    assertEquals(viaDsl.getCode(), direct.getCode());
    assertEquals(viaDsl.getStatus(), direct.getStatus());
    assertEquals(viaDsl.getMessage(), direct.getMessage());
    assertEquals("spec.containers[0].image", direct.getStatus().getDetails().getCauses().get(0).getField());
    assertEquals(Refusal.of(viaDsl), Refusal.of(direct));
  }

  /** An API server that takes the request and never answers: the wait ends at the client's request timeout. */
  @Test
  void anUnansweredWriteFailsAtTheRequestTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient waiting = clientOf(silent.getLocalPort(), 500)) {
      long start = System.nanoTime();
      KubernetesClientException e = assertThrows(KubernetesClientException.class,
          () -> DirectWrites.createPod(waiting, pod("app")));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertNotNull(e.getCause(), e.toString());
      assertTrue(millis >= 500 && millis < 5_000, "waited " + millis + " ms");
    }
  }
}
