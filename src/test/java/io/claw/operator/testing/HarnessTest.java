package io.claw.operator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The test harness cannot let a test pass without checking: a kube-controller-manager that does
 * not serve fails its start with its log, and a watch that closes with an error fails the test
 * that reads it. Against a real API server of the version the suite runs.
 */
class HarnessTest {

  private static TestCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void startCluster() {
    // watches are closed by the server after 1 to 2 s, and opened again by the client
    cluster = new TestCluster("HarnessTest", "--min-request-timeout", "1").start();
    client = cluster.client();
  }

  @AfterAll
  static void stopCluster() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aControllerManagerThatServesIsReturnedRunning() {
    try (ControllerManager controllers = ControllerManager.start(cluster, log("serving"),
        ClusterControllersResource.CONTROLLERS)) {
      controllers.ensureRunning();
    }
  }

  @Test
  void aControllerManagerThatCannotStartFailsWithTheEndOfItsLog() {
    IllegalStateException failed = assertThrows(IllegalStateException.class, () -> ControllerManager.start(cluster,
        log("refused"), ClusterControllersResource.CONTROLLERS, "--no-such-flag=1").close());
    assertTrue(failed.getMessage().contains("exited with code") && failed.getMessage().contains("--no-such-flag"),
        failed.getMessage());
  }

  @Test
  void theInsecurePortFlagIsGivenOnlyToVersionsThatHaveIt() {
    assertTrue(ControllerManager.flags("1.20.2", "k", List.of("namespace"), 1).contains("--port=0"));
    assertTrue(ControllerManager.flags("v1.23.17", "k", List.of("namespace"), 1).contains("--port=0"));
    assertFalse(ControllerManager.flags("1.24.0", "k", List.of("namespace"), 1).contains("--port=0"));
    assertFalse(ControllerManager.flags("1.36.2", "k", List.of("namespace"), 1).contains("--port=0"));
    assertEquals(36, ControllerManager.minor("v1.36.0-alpha.1"));
    assertThrows(IllegalArgumentException.class, () -> ControllerManager.minor("latest"));
  }

  /**
   * A user who may list and watch ConfigMaps, until the right is taken away: the server ends the
   * open watch (after 1 to 2 s here) and refuses the client's next ones, until the client gives up
   * (after 3 tries here) and closes the watch with the error. The test that reads the watch fails
   * instead of counting on events that no longer come.
   */
  @Test
  void aWatchThatClosesWithAnErrorFailsTheTestThatReadsIt() {
    String ns = Fixtures.newNamespace(client);
    client.resource(new RoleBuilder().withNewMetadata().withName("watcher").withNamespace(ns).endMetadata()
        .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("list", "watch").endRule().build()).create();
    RoleBinding binding = client.resource(new RoleBindingBuilder().withNewMetadata().withName("watcher")
        .withNamespace(ns).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "watcher")
        .addNewSubject().withKind("User").withName("watcher").withApiGroup("rbac.authorization.k8s.io").endSubject()
        .build()).create();
    Config asWatcher = new ConfigBuilder(cluster.config()).withImpersonateUsername("watcher")
        .withWatchReconnectLimit(3).withWatchReconnectInterval(100).build();
    try (KubernetesClient watcher = new KubernetesClientBuilder().withConfig(asWatcher).build()) {
      TestWatch<?> watch = Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> TestWatch.start(watcher.configMaps().inNamespace(ns), (action, cm) -> {
          }), java.util.Objects::nonNull);
      watch.check();
      client.resource(binding).delete();
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
        try {
          watch.check();
          return false;
        } catch (AssertionError closed) {
          return true;
        }
      });
      AssertionError failed = assertThrows(AssertionError.class, watch::close);
      assertTrue(failed.getMessage().contains("closed with an error"), failed.getMessage());
    }
  }

  @Test
  void aWatchFromAListSeesTheListedObjectsAndWhatFollows() {
    String ns = Fixtures.newNamespace(client);
    client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName("before").endMetadata().build()).create();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (TestWatch<?> watch = TestWatch.start(client.configMaps().inNamespace(ns),
        (action, cm) -> seen.add(action + " " + cm.getMetadata().getName()))) {
      assertEquals(List.of("ADDED before"), seen);
      client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
          .withNewMetadata().withName("after").endMetadata().build()).create();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("ADDED after"));
      assertTrue(Long.parseLong(watch.fromResourceVersion()) > 0, watch.fromResourceVersion());
    }
  }

  private static Path log(String name) {
    return Path.of("target", "kube-api-test", "HarnessTest." + name + ".kube-controller-manager.log");
  }
}
