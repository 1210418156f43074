package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import io.claw.operator.api.AppVolume;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.PodSecurity;
import io.claw.operator.testing.PreviousRelease;
import io.claw.operator.testing.RealNode.Registry;
import io.claw.operator.testing.RealNode;
import io.claw.operator.testing.RealNodeSuite;
import io.claw.operator.testing.TestWatch;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Pods that production namespaces admit and run, on the real node: the restricted profile where
 * the namespace enforces it (a non-root image runs, a root image is named with its fix), a
 * readiness probe that gates Ready, a nodeSelector the scheduler cannot meet until the node is
 * labelled, a ConfigMap the app reads, no ServiceAccount token by default, and what the upgrade
 * to this version does to Pods the previous one created.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionPodsIT {

  private static final String TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
  private static final String POOL_LABEL = "claw.io/test-pool";

  private static RealNodeSuite suite;
  private static RealNode node;
  private static KubernetesClient client;
  private static String nonRootImage;
  private static String rootImage;

  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE = RealNodeSuite.dumpOnFailure(() -> suite,
      List.of(List.of("get", "claw,pods", "-A", "-o", "yaml"), List.of("get", "events", "-A")),
      RealNodeSuite::operatorTail);

  @BeforeAll
  static void startNode() {
    suite = RealNodeSuite.start("production-pods-it", Duration.ofSeconds(120));
    node = suite.node();
    client = suite.client();
    node.pushImage(Registry.OPEN, "app:1", "nonroot");
    node.pushImage(Registry.OPEN, "rootapp:1", "root", 0);
    nonRootImage = Registry.OPEN.host() + "/app:1";
    rootImage = Registry.OPEN.host() + "/rootapp:1";
  }

  @AfterAll
  static void stopNode() {
    if (suite != null) {
      suite.close();
    }
  }

  /**
   * Pods as the previous release built them (no automountServiceAccountToken, so the
   * ServiceAccount admission plugin mounts a token; its hash), running before this version
   * starts: each is replaced once, gracefully, and then left alone.
   */
  @Test
  @Order(1)
  void theUpgradeReplacesEachPodOfThePreviousReleaseOnceAndGracefully() throws Exception {
    String ns = newNamespace(client);
    List<String> names = List.of("up-a", "up-b", "up-c");
    Map<String, String> oldUids = new ConcurrentHashMap<>();
    for (String name : names) {
      ClawInstance created = client.resource(instance(ns, name, nonRootImage, null)).create();
      Pod old = client.resource(PreviousRelease.pod(created)).create();
      oldUids.put(name, old.getMetadata().getUid());
    }
    for (String name : names) {
      Pod old = suite.slow().until(() -> client.pods().inNamespace(ns).withName(name).get(), RealNodeSuite::isRunning);
      assertTrue(mountsToken(old), "the previous release's Pod carries the namespace's token: " + old.getSpec());
    }
    List<String> deletions = new CopyOnWriteArrayList<>();
    Map<String, List<String>> uidsByName = new ConcurrentHashMap<>();
    try (TestWatch<Pod> watch = TestWatch.start(client.pods().inNamespace(ns), (action, pod) -> {
      uidsByName.computeIfAbsent(pod.getMetadata().getName(), n -> new CopyOnWriteArrayList<>());
      List<String> uids = uidsByName.get(pod.getMetadata().getName());
      if (!uids.contains(pod.getMetadata().getUid())) {
        uids.add(pod.getMetadata().getUid());
      }
      if (pod.getMetadata().getDeletionTimestamp() != null && !deletions.contains(pod.getMetadata().getUid())) {
        deletions.add(pod.getMetadata().getUid());
        suite.report("upgrade: " + pod.getMetadata().getName() + " deleted with a grace period of "
            + pod.getMetadata().getDeletionGracePeriodSeconds() + " s");
        assertNotEquals(Long.valueOf(0), pod.getMetadata().getDeletionGracePeriodSeconds(), "graceful");
      }
    })) {
      long started = System.nanoTime();
      startOperator();
      for (String name : names) {
        Pod replaced = suite.slow().until(() -> client.pods().inNamespace(ns).withName(name).get(),
            p -> p != null && !p.getMetadata().getUid().equals(oldUids.get(name)) && RealNodeSuite.isRunning(p));
        assertFalse(mountsToken(replaced), "the new Pod carries no token: " + replaced.getSpec());
      }
      suite.report("upgrade: 3 Pods of the previous release replaced and running " + RealNodeSuite.millisSince(started)
          + " ms after the operator started");
      // then nothing more: one replacement each
      Awaitility.await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).until(() -> true);
      names.forEach(name -> assertEquals(2, uidsByName.get(name).size(), name + " had Pods " + uidsByName.get(name)));
      assertEquals(3, deletions.size(), deletions.toString());
    }
  }

  @Test
  @Order(2)
  void aNamespaceThatEnforcesRestrictedRunsANonRootImageAndNamesTheFixForARootOne() {
    startOperator();
    String ns = newNamespace(client);
    client.namespaces().withName(ns).edit(n -> {
      n.getMetadata().getLabels().put(PodSecurity.ENFORCE_LABEL, "restricted");
      return n;
    });
    client.resource(instance(ns, "nonroot", nonRootImage, PullPolicy.IF_NOT_PRESENT)).create();
    client.resource(instance(ns, "root", rootImage, PullPolicy.IF_NOT_PRESENT)).create();

    ClawInstanceStatus nonRoot = suite.awaitStatus(ns, "nonroot", s -> s.phase() == Phase.Running);
    assertEquals(PodSecurityProfile.RESTRICTED, nonRoot.podSecurity().profile());
    assertTrue(nonRoot.podSecurity().reason().contains("namespace " + ns + " enforces restricted"), nonRoot.toString());
    Pod pod = client.pods().inNamespace(ns).withName("nonroot").get();
    assertEquals(true, pod.getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
    assertEquals(false, pod.getSpec().getContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), pod.getSpec().getContainers().get(0).getSecurityContext().getCapabilities().getDrop());

    ClawInstanceStatus root = suite.awaitStatus(ns, "root",
        s -> s.phase() == Phase.Failed && "CreateContainerConfigError".equals(readyReason(s)));
    assertTrue(root.message().contains("container has runAsNonRoot and image will run as root"), root.message());
    assertTrue(root.message().contains("set spec.securityContext.runAsUser"), root.message());
    suite.report("restricted, root image: " + root.message());

    // the fix the status names: a non-root UID; the kubelet then starts the same image
    editSpec(client, ns, "root", spec -> {
      SecurityContext asUser = new SecurityContext();
      asUser.setRunAsUser(1000L);
      spec.setSecurityContext(asUser);
    });
    assertEquals(Phase.Running, suite.awaitStatus(ns, "root", s -> s.phase() == Phase.Running).phase());
  }

  @Test
  @Order(3)
  void aPlainNamespaceRunsTheRootImageAsBefore() {
    startOperator();
    String ns = newNamespace(client);
    client.resource(instance(ns, "root", rootImage, PullPolicy.IF_NOT_PRESENT)).create();
    ClawInstanceStatus root = suite.awaitStatus(ns, "root", s -> s.phase() == Phase.Running);
    assertEquals(PodSecurityProfile.BASELINE, root.podSecurity().profile());
    assertEquals("namespace " + ns + " has no pod-security.kubernetes.io/enforce label", root.podSecurity().reason());
  }

  @Test
  @Order(4)
  void aReadinessProbeGatesReady() {
    startOperator();
    String ns = newNamespace(client);
    ClawInstance slowStart = instance(ns, "slow-start", nonRootImage, PullPolicy.IF_NOT_PRESENT);
    slowStart.getSpec().setCommand(List.of("sh", "-c", "sleep 8; echo ok > /tmp/ready; exec /bin/claw-app"));
    slowStart.getSpec().setReadinessProbe(new ProbeBuilder().withNewExec().withCommand("cat", "/tmp/ready").endExec()
        .withPeriodSeconds(1).build());
    client.resource(slowStart).create();
    ClawInstanceStatus notReady = suite.awaitStatus(ns, "slow-start", s -> s.phase() == Phase.Running);
    long running = System.nanoTime();
    assertEquals(Reasons.CONTAINERS_NOT_READY, readyReason(notReady), notReady.toString());
    assertTrue(notReady.message().contains("its readiness probe (exec cat /tmp/ready) does not pass"), notReady.message());
    suite.awaitStatus(ns, "slow-start", s -> Reasons.POD_READY.equals(readyReason(s)));
    long gated = RealNodeSuite.millisSince(running);
    suite.report("readiness probe: Running to Ready in " + gated + " ms (the app answers after 8 s)");
    assertTrue(gated > 4000, "Ready came " + gated + " ms after Running, before the app could answer");
  }

  @Test
  @Order(5)
  void aNodeSelectorNoNodeMatchesReportsTheSchedulerAndLabellingTheNodeLetsItRun() {
    startOperator();
    String ns = newNamespace(client);
    ClawInstance pinned = instance(ns, "pinned", nonRootImage, PullPolicy.IF_NOT_PRESENT);
    pinned.getSpec().setNodeSelector(Map.of(POOL_LABEL, "offline-mirror"));
    client.resource(pinned).create();
    ClawInstanceStatus unscheduled = suite.awaitStatus(ns, "pinned",
        s -> Reasons.POD_NOT_SCHEDULED.equals(readyReason(s)) && s.message().contains("0/1 nodes are available"));
    // kube-scheduler 1.20.2 here: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity.";
    // 1.22+ (nodeaffinity plugin, ErrReasonPod): "... didn't match Pod's node affinity/selector"
    assertTrue(unscheduled.message().contains("node(s) didn't match"), unscheduled.message());
    suite.report("nodeSelector: " + unscheduled.message());
    try {
      long labelled = System.nanoTime();
      client.nodes().withName(node.nodeName()).edit(n -> {
        n.getMetadata().getLabels().put(POOL_LABEL, "offline-mirror");
        return n;
      });
      suite.awaitStatus(ns, "pinned", s -> s.phase() == Phase.Running);
      suite.report("nodeSelector: node labelled to Running in " + RealNodeSuite.millisSince(labelled) + " ms");
    } finally {
      client.nodes().withName(node.nodeName()).edit(n -> {
        n.getMetadata().getLabels().remove(POOL_LABEL);
        return n;
      });
    }
  }

  @Test
  @Order(6)
  void theAppReadsAConfigMapMountedAsAVolume() {
    startOperator();
    String ns = newNamespace(client);
    client.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName("settings").endMetadata()
        .withData(Map.of("greeting", "hello from a ConfigMap")).build()).create();
    ClawInstance app = instance(ns, "configured", nonRootImage, PullPolicy.IF_NOT_PRESENT);
    AppVolume config = new AppVolume();
    config.setName("config");
    config.setConfigMap(new ConfigMapVolumeSource(null, null, "settings", null));
    app.getSpec().setVolumes(List.of(config));
    app.getSpec().setVolumeMounts(List.of(new VolumeMountBuilder().withName("config").withMountPath("/config").withReadOnly(true).build()));
    app.getSpec().setCommand(List.of("sh", "-c", "echo \"greeting: $(cat /config/greeting)\"; exec /bin/claw-app"));
    client.resource(app).create();
    suite.awaitStatus(ns, "configured", s -> s.phase() == Phase.Running);
    String log = suite.slow().until(() -> client.pods().inNamespace(ns).withName("configured").getLog(),
        l -> l != null && l.contains("greeting:"));
    assertTrue(log.contains("greeting: hello from a ConfigMap"), log);
  }

  @Test
  @Order(7)
  void theDefaultPodMountsNoServiceAccountTokenAndANamedAccountCanAskForOne() {
    startOperator();
    String ns = newNamespace(client);
    String listTokenDir = "ls " + TOKEN_DIR + " 2>&1 || echo 'no token'; exec /bin/claw-app";
    ClawInstance plain = instance(ns, "plain", nonRootImage, PullPolicy.IF_NOT_PRESENT);
    plain.getSpec().setCommand(List.of("sh", "-c", listTokenDir));
    ClawInstance apiClient = instance(ns, "api-client", nonRootImage, PullPolicy.IF_NOT_PRESENT);
    apiClient.getSpec().setCommand(List.of("sh", "-c", listTokenDir));
    apiClient.getSpec().setServiceAccountName("default");
    apiClient.getSpec().setAutomountServiceAccountToken(true);
    client.resource(plain).create();
    client.resource(apiClient).create();
    suite.awaitStatus(ns, "plain", s -> s.phase() == Phase.Running);
    suite.awaitStatus(ns, "api-client", s -> s.phase() == Phase.Running);

    Pod plainPod = client.pods().inNamespace(ns).withName("plain").get();
    assertFalse(mountsToken(plainPod), plainPod.getSpec().toString());
    assertTrue(log(ns, "plain").contains("no token"), log(ns, "plain"));
    // the same image and command with the token asked for: the ServiceAccount admission plugin mounts it
    assertTrue(mountsToken(client.pods().inNamespace(ns).withName("api-client").get()));
    assertTrue(log(ns, "api-client").contains("token"), log(ns, "api-client"));
    assertFalse(log(ns, "api-client").contains("no token"), log(ns, "api-client"));
  }

  /** Started by the upgrade test, after the previous release's Pods; by the first test to need it otherwise. */
  private static void startOperator() {
    if (suite.operator() == null) {
      suite.startOperator("production-pods-it", Map.of());
    }
  }

  private static boolean mountsToken(Pod pod) {
    return pod.getSpec().getContainers().get(0).getVolumeMounts().stream()
        .anyMatch(m -> TOKEN_DIR.equals(m.getMountPath()));
  }

  private static String log(String ns, String name) {
    return suite.slow().until(() -> client.pods().inNamespace(ns).withName(name).getLog(), l -> l != null && !l.isEmpty());
  }

  private static String readyReason(ClawInstanceStatus status) {
    return status.condition("Ready").map(c -> c.reason()).orElse("");
  }
}
