package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.testing.OperatorProcess;
import io.claw.operator.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The packaged operator jar against a real kube-apiserver: config validation and restarts. */
class OperatorProcessIT {

  private static TestCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void startCluster() {
    cluster = new TestCluster("operator-process-it").start();
    client = cluster.client();
  }

  @AfterAll
  static void stopCluster() {
    client.close();
    cluster.close();
  }

  private static Map<String, String> env(String defaultPullPolicy, String defaultImage) {
    return Map.of(
        "KUBECONFIG", cluster.kubeconfig().toString(),
        "CLAW_OPERATOR_DEFAULT_PULL_POLICY", defaultPullPolicy,
        "CLAW_OPERATOR_DEFAULT_IMAGE", defaultImage,
        "QUARKUS_HTTP_PORT", "0");
  }

  /** Starts the operator with a setting it must refuse: it exits non-zero; what it printed is returned. */
  private static String stoppedAtStartup(String name, Map<String, String> env) throws InterruptedException {
    try (OperatorProcess operator = OperatorProcess.start(name, env)) {
      int exit = operator.awaitExit(90);
      String output = operator.output();
      assertNotEquals(0, exit, output);
      return output;
    }
  }

  @Test
  void watchedNamespacesLimitWhatTheOperatorServes() throws Exception {
    String watched = newNamespace(client);
    String other = newNamespace(client);
    Map<String, String> env = new java.util.HashMap<>(env("IfNotPresent", "nginx:1.27"));
    // what the Helm chart sets from operator.watchNamespaces
    env.put("QUARKUS_OPERATOR_SDK_NAMESPACES", watched);
    try (OperatorProcess operator = OperatorProcess.start("watch-one-namespace", env)) {
      client.resource(instance(other, "ignored", null, null)).create();
      client.resource(instance(watched, "served", null, null)).create();
      awaitPod(client, watched, "served", p -> true);
      await().during(java.time.Duration.ofSeconds(2)).until(
          () -> client.pods().inNamespace(other).withName("ignored").get() == null);
      assertTrue(operator.output().contains(watched), operator.output());
    }
  }

  @Test
  void killedMidwayThrough200InstancesAndRestartedLeavesExactlyOnePodEach() throws Exception {
    String ns = newNamespace(client);
    int n = 200;
    try (OperatorProcess first = OperatorProcess.start("killed-midway", env("IfNotPresent", "nginx:1.27"))) {
      java.util.stream.IntStream.range(0, n).parallel()
          .forEach(i -> client.resource(instance(ns, "claw-" + i, null, null)).create());
      await().until(() -> client.pods().inNamespace(ns).list().getItems().size() >= n / 4);
      first.kill();
    }
    int podsAtKill = client.pods().inNamespace(ns).list().getItems().size();

    try (OperatorProcess second = OperatorProcess.start("restarted", env("IfNotPresent", "nginx:1.27"))) {
      await().atMost(java.time.Duration.ofMinutes(2)).until(() -> client.resources(io.claw.operator.api.ClawInstance.class)
          .inNamespace(ns).list().getItems().stream()
          .filter(ci -> ci.getStatus() != null && ci.getStatus().podName() != null
              && ci.getStatus().pullPolicy() == PullPolicy.IF_NOT_PRESENT)
          .count() == n);
      var pods = client.pods().inNamespace(ns).list().getItems();
      assertEquals(n, pods.size(), "exactly one Pod per instance (" + podsAtKill + " existed at the kill)");
      var instances = client.resources(io.claw.operator.api.ClawInstance.class).inNamespace(ns).list().getItems();
      for (var ci : instances) {
        Pod pod = pods.stream().filter(p -> p.getMetadata().getName().equals(ci.getMetadata().getName()))
            .findFirst().orElseThrow(() -> new AssertionError("no Pod for " + ci.getMetadata().getName()));
        assertEquals(ci.getMetadata().getUid(), pod.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals(1L, ci.getStatus().observedGeneration());
      }
      System.out.printf("killed with %d of %d Pods created; after the restart: %d Pods%n", podsAtKill, n, pods.size());
    }
  }

  @Test
  void apiServerRestartedWhileTheOperatorRunsLosesNothing() throws Exception {
    String ns = newNamespace(client);
    try (OperatorProcess operator = OperatorProcess.start("apiserver-restart", env("IfNotPresent", "nginx:1.27"))) {
      IntStream.range(0, 20).forEach(i -> client.resource(instance(ns, "before-" + i, null, null)).create());
      await().until(() -> instances(ns).stream().filter(ci -> ci.getStatus() != null
          && ci.getStatus().podName() != null).count() == 20);

      cluster.restartApiServer(Duration.ofSeconds(3));

      // Changes right after the restart, while the operator's watches are reconnecting.
      IntStream.range(0, 10).forEach(i -> client.resource(instance(ns, "after-" + i, null, null)).create());
      IntStream.range(0, 5).forEach(i -> editSpec(client, ns, "before-" + i, spec -> spec.setPullPolicy(PullPolicy.ALWAYS)));
      kubeletReports(client, ns, "before-10", waiting("ErrImagePull", "registry unreachable"));

      await().atMost(Duration.ofMinutes(2)).until(() -> {
        List<ClawInstance> all = instances(ns);
        return all.size() == 30 && all.stream().allMatch(ci -> ci.getStatus() != null && ci.getStatus().podName() != null)
            && all.stream().filter(ci -> ci.getStatus().pullPolicy() == PullPolicy.ALWAYS).count() == 5
            && all.stream().anyMatch(ci -> "ErrImagePull".equals(ci.getStatus().pullFailureReason()));
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace(ns).list().getItems().stream()
          .filter(p -> "Always".equals(p.getSpec().getContainers().get(0).getImagePullPolicy())).count() == 5);
      List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
      assertEquals(30, pods.size(), "one Pod per instance, no duplicates");
      assertTrue(operator.isAlive(), operator.output());
    }
  }

  private static List<ClawInstance> instances(String ns) {
    return client.resources(ClawInstance.class).inNamespace(ns).list().getItems();
  }

  /**
   * Where OpenSSL does not load (here: Netty told not to use it, as on a platform without the
   * native library), the default setting falls back to the JDK's TLS, says so once, and serves.
   */
  @Test
  void withoutOpenSslTheOperatorFallsBackToTheJdksTlsAndSaysWhy() throws Exception {
    Served served = servedWith("no-openssl", "-Dio.netty.handler.ssl.noOpenSsl=true");

    assertTrue(served.log().contains("API server connections: TLS by JDK (SunJSSE"), served.log());
    assertTrue(served.log().contains("since OpenSSL does not load"), served.log());
    assertTrue(served.connections("HTTP_2", "JDK", "epoll") > 0, served.metrics());
    assertEquals(0, served.connections("HTTP_2", "OpenSSL", "epoll"), served.metrics());
  }

  /**
   * Where Netty's epoll transport does not load (here: Netty told not to use native transports,
   * as on a platform without the library), the event loops run on Java NIO, the operator says so
   * once with the reason, and serves.
   */
  @Test
  void withoutEpollTheOperatorRunsOnJavaNioAndSaysWhy() throws Exception {
    Served served = servedWith("no-epoll", "-Dio.netty.transport.noNative=true");

    assertTrue(served.log().contains("Event loops on Java NIO, since Netty's epoll transport does not load"), served.log());
    assertTrue(served.connections("HTTP_2", "OpenSSL", "nio") > 0, served.metrics());
    assertEquals(0, served.connections("HTTP_2", "OpenSSL", "epoll"), served.metrics());
  }

  /** The operator started with these JVM options, once it has made the Pod of an instance: its log and its metrics. */
  private static Served servedWith(String name, String javaToolOptions) throws Exception {
    String ns = newNamespace(client);
    Map<String, String> env = new java.util.HashMap<>(env("IfNotPresent", "nginx:1.27"));
    env.put("JAVA_TOOL_OPTIONS", javaToolOptions);
    try (OperatorProcess operator = OperatorProcess.start(name, env)) {
      client.resource(instance(ns, "served", null, null)).create();
      awaitPod(client, ns, "served", p -> true);
      return new Served(operator.output(), operator.get("/q/metrics"));
    }
  }

  record Served(String log, String metrics) {

    /** claw_api_client_connections_total for one HTTP version, TLS implementation and transport. */
    double connections(String httpVersion, String tls, String transport) {
      String series = "claw_api_client_connections_total{http_version=\"%s\",tls=\"%s\",transport=\"%s\"} "
          .formatted(httpVersion, tls, transport);
      return metrics.lines().filter(l -> l.startsWith(series)).mapToDouble(l -> Double.parseDouble(l.substring(series.length())))
          .findFirst().orElseThrow(() -> new AssertionError("no series " + series + " in\n" + metrics));
    }
  }

  @Test
  void openSslRequiredWhereItDoesNotLoadStopsTheOperatorNamingTheSetting() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(env("IfNotPresent", "nginx:1.27"));
    env.put("JAVA_TOOL_OPTIONS", "-Dio.netty.handler.ssl.noOpenSsl=true");
    env.put("CLAW_OPERATOR_API_CLIENT_TLS", "openssl");
    String output = stoppedAtStartup("openssl-required", env);
    assertTrue(output.contains("claw.operator.api-client.tls=openssl, but OpenSSL (netty-tcnative's BoringSSL) "
        + "does not load here"), output);
  }

  @Test
  void aBadRuleStopsTheOperatorAtStartupNamingTheRule() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(env("IfNotPresent", "nginx:1.27"));
    env.put("CLAW_OPERATOR_PULL_POLICY_RULES", "[{\"name\": \"mirror\", \"registry\": \"mirror.local\", "
        + "\"pullPolicy\": \"Never\"}, {\"name\": \"harbor\", \"registry\": \"harbor.example.com\", "
        + "\"pullPolicy\": \"always\"}]");
    String output = stoppedAtStartup("bad-rule", env);
    assertTrue(output.contains("Invalid claw.operator.pull-policy-rules (env CLAW_OPERATOR_PULL_POLICY_RULES): "
        + "rule 2 (harbor): pullPolicy 'always' is not one of Always, IfNotPresent, Never (case-sensitive)"), output);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "CLAW_OPERATOR_TAG_RESOLUTION_DEFAULT_MODE | Track | Invalid claw.operator.tag-resolution.default-mode",
      "CLAW_OPERATOR_TAG_RESOLUTION_ENDPOINTS | registry.local | Invalid claw.operator.tag-resolution.endpoints entry 'registry.local'",
      "CLAW_OPERATOR_TAG_RESOLUTION_INTERVAL | 0s | claw.operator.tag-resolution.interval must be at least 1s",
      "CLAW_OPERATOR_TAG_RESOLUTION_CA_BUNDLE | /nonexistent/ca.pem | claw.operator.tag-resolution.ca-bundle /nonexistent/ca.pem"})
  void aBadTagResolutionSettingStopsTheOperatorAtStartupNamingIt(String variable, String value, String said)
      throws Exception {
    Map<String, String> env = new java.util.HashMap<>(env("IfNotPresent", "nginx:1.27"));
    env.put(variable, value);
    String output = stoppedAtStartup("bad-tag-resolution", env);
    assertTrue(output.contains(said), output);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Sometimes", "always ", "Always ", "always"})
  void badDefaultPullPolicyStopsTheOperatorAtStartup(String value) throws Exception {
    String output = stoppedAtStartup("bad-default", env(value, "nginx:1.27"));
    assertTrue(output.contains("claw.operator.default-pull-policy"), output);
    assertTrue(output.contains("Allowed values: Always, IfNotPresent, Never"), output);
  }

  @Test
  void restartWithANewDefaultRecreatesOnlyThePodsThatFollowTheDefault() throws Exception {
    String ns = newNamespace(client);
    Pod followerBefore;
    Pod pinnedBefore;
    try (OperatorProcess operator = OperatorProcess.start("default-ifnotpresent", env("IfNotPresent", "nginx:1.26"))) {
      client.resource(instance(ns, "follower", null, null)).create();
      client.resource(instance(ns, "pinned", "nginx:1.27", PullPolicy.IF_NOT_PRESENT)).create();
      followerBefore = awaitPod(client, ns, "follower", p -> true);
      pinnedBefore = awaitPod(client, ns, "pinned", p -> true);
      assertEquals("IfNotPresent", followerBefore.getSpec().getContainers().get(0).getImagePullPolicy());
      assertEquals("nginx:1.26", followerBefore.getSpec().getContainers().get(0).getImage(), "operator default image");
      awaitStatus(client, ns, "follower", s -> s.pullPolicySource() == PullPolicySource.OPERATOR_DEFAULT);
    }

    try (OperatorProcess operator = OperatorProcess.start("default-always", env("Always", "nginx:1.26"))) {
      Pod followerAfter = awaitPod(client, ns, "follower",
          p -> !p.getMetadata().getUid().equals(followerBefore.getMetadata().getUid()));
      assertEquals("Always", followerAfter.getSpec().getContainers().get(0).getImagePullPolicy());
      awaitStatus(client, ns, "follower", s -> s.pullPolicy() == PullPolicy.ALWAYS);

      Pod pinnedAfter = client.pods().inNamespace(ns).withName("pinned").get();
      assertEquals(pinnedBefore.getMetadata().getUid(), pinnedAfter.getMetadata().getUid(),
          "an instance with its own pullPolicy is not touched by a new default");
      assertEquals(2, client.pods().inNamespace(ns).list().getItems().size());
    }
  }
}
