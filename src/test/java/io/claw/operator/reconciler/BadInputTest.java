package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.running;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.pod.Labels;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.KubeApiServerResource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Bad input gets a clear API rejection or a clear status message, and a healthy instance next
 * to it (checked after every test) goes on being served.
 */
@QuarkusTest
@WithTestResource(KubeApiServerResource.class)
class BadInputTest extends ApiServerTest {

  private static final String NEIGHBOUR = "neighbour";

  @BeforeEach
  void aHealthyInstance() {
    client.resource(instance(ns, NEIGHBOUR, "nginx:1.27", null)).create();
    awaitPod(client, ns, NEIGHBOUR, p -> true);
  }

  @AfterEach
  void neighbourIsStillServed() {
    kubeletReports(client, ns, NEIGHBOUR, running("docker-pullable://nginx@sha256:1"));
    awaitStatus(client, ns, NEIGHBOUR, s -> s.phase() == Phase.Running);
  }

  @Test
  void kubectlApplyRefusesAnUnknownPullPolicyWithTheAllowedValues() {
    assertApplyRefused("""
        apiVersion: claw.io/v1alpha1
        kind: ClawInstance
        metadata:
          name: bad
          namespace: %s
        spec:
          image: nginx:1.27
          pullPolicy: Sometimes
        """.formatted(ns),
        "spec.pullPolicy", "Unsupported value: \"Sometimes\"", "\"Always\", \"IfNotPresent\", \"Never\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Team/App:1.0", "nginx:", "nginx:1.27 ", "https://registry.example.com/app",
      "app@sha256:abc"})
  void kubectlApplyRefusesAnImageThatIsNoReference(String image) {
    assertApplyRefused("""
        apiVersion: claw.io/v1alpha1
        kind: ClawInstance
        metadata:
          name: bad
          namespace: %s
        spec:
          image: "%s"
        """.formatted(ns, image), "spec.image", "should match");
  }

  /** kubectl apply of an instance named bad fails, says each expected part, and stores nothing. */
  private void assertApplyRefused(String yaml, String... expectedInOutput) {
    var result = KubeApiServerResource.cluster().kubectl(yaml, "apply", "-f", "-");
    assertNotEquals(0, result.exitCode(), result.output());
    for (String expected : expectedInOutput) {
      assertTrue(result.output().contains(expected), result.output());
    }
    assertNull(client.resources(ClawInstance.class).inNamespace(ns).withName("bad").get());
  }

  @Test
  void aSpecLargerThanTheApiServerTakesIsRefusedWithItsReason() {
    ClawInstance huge = instance(ns, "huge", "nginx:1.27", null);
    String value = "x".repeat(1024 * 1024);
    IntStream.range(0, 4).forEach(i -> huge.getSpec().getEnv().add(new EnvVar("BIG_" + i, value, null)));

    var e = assertThrows(KubernetesClientException.class, () -> client.resource(huge).create());
    assertEquals(413, e.getCode(), e.getMessage());
    assertTrue(e.getMessage().toLowerCase().contains("too large"), e.getMessage());
    assertNull(client.resources(ClawInstance.class).inNamespace(ns).withName("huge").get());
  }

  @Test
  void aLargeSpecTheApiServerTakesGetsItsPodWithEveryValue() {
    ClawInstance large = instance(ns, "large", "nginx:1.27", null);
    IntStream.range(0, 2000).forEach(i -> large.getSpec().getEnv().add(new EnvVar("VAR_" + i, "v".repeat(200), null)));
    client.resource(large).create();

    Pod pod = awaitPod(client, ns, "large", p -> true);
    assertEquals(2000, pod.getSpec().getContainers().get(0).getEnv().size());
    awaitStatus(client, ns, "large", s -> s.pullPolicy() != null);
  }

  @Test
  void theLongestNameKubernetesAllowsStillGetsItsPod() {
    String name = ("a".repeat(62) + ".").repeat(5).substring(0, 253);
    assertEquals(253, name.length());
    client.resource(instance(ns, name, "nginx:1.27", null)).create();

    Pod pod = awaitPod(client, ns, name, p -> true);
    String label = pod.getMetadata().getLabels().get(Labels.INSTANCE);
    assertTrue(label.length() <= 63, label);
    ClawInstanceStatus status = awaitStatus(client, ns, name, s -> s.podName() != null);
    assertEquals(name, status.podName());
  }

  @Test
  void aMissingPullSecretIsNamedInTheStatusUntilItExists() {
    ClawInstance instance = instance(ns, "private", "registry.example.com/team/app:1.4", null);
    instance.getSpec().getImagePullSecrets().add("regcred");
    client.resource(instance).create();
    awaitPod(client, ns, "private", p -> true);

    kubeletReports(client, ns, "private", waiting("ErrImagePull",
        "pull access denied for registry.example.com/team/app, repository does not exist or may require authorization"));
    ClawInstanceStatus failing = awaitStatus(client, ns, "private",
        s -> "ErrImagePull".equals(s.pullFailureReason()) && s.condition(ClawCondition.PULL_SECRETS_FOUND).isPresent());
    ClawCondition secrets = failing.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow();
    assertEquals(ClawCondition.FALSE, secrets.status());
    assertEquals("SecretNotFound", secrets.reason());
    assertTrue(secrets.message().contains("regcred"), secrets.message());
    assertTrue(failing.message().contains("pull access denied"), failing.message());
    assertTrue(failing.message().contains("Pull secret(s) not found in namespace " + ns + ": regcred"),
        failing.message());

    client.resource(new SecretBuilder().withNewMetadata().withName("regcred").withNamespace(ns).endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .addToStringData(".dockerconfigjson", "{\"auths\":{}}").build()).create();
    kubeletReports(client, ns, "private", running("docker-pullable://registry.example.com/team/app@sha256:1"));
    ClawInstanceStatus fixed = awaitStatus(client, ns, "private", s -> s.phase() == Phase.Running);
    assertEquals(ClawCondition.TRUE, fixed.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow().status());
    assertTrue(!fixed.message().contains("regcred"), fixed.message());
  }
}
