package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import com.marcnuri.helm.Helm;

import io.claw.operator.pod.PullerPod;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.testing.Command;
import io.claw.operator.testing.OperatorImage;
import io.claw.operator.testing.RealNode.Registry;
import io.claw.operator.testing.RealNode;
import io.claw.operator.testing.RealNodeSuite;
import io.claw.operator.testing.TestWatch;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The user's journey with the operator's own image, on the real node: build the image with the
 * README's command (Jib, no Docker), push it, `helm install` the chart pointing at it, and watch
 * the kubelet pull it and the operator serve instances from inside the cluster; then upgrade,
 * restart with the registry down, and uninstall.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorImageIT {

  private static final String RELEASE = "claw";
  private static final String RELEASE_NAMESPACE = "claw-system";
  private static final String DEPLOYMENT = RELEASE + "-claw-operator";
  private static final String TAG = "it";
  private static final Path PREVIOUS_CHART = Path.of("src", "test", "resources", "charts", "claw-operator-0.3.0");
  private static RealNodeSuite suite;
  private static RealNode node;
  private static KubernetesClient client;
  private static String operatorImage;
  private static String appImage;
  private static String ns;

  /** What a failed test saw: the operator's Pods and log, the instances, Pods, Events, the kubelet's log. */
  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE = RealNodeSuite.dumpOnFailure(() -> suite, List.of(
          List.of("get", "deploy,pods,claw", "-A", "-o", "wide"),
          List.of("get", "pods", "-n", RELEASE_NAMESPACE, "-o", "yaml"),
          List.of("get", "events", "-A")),
      running -> running.node().cluster().kubectl(null, "logs", "-n", RELEASE_NAMESPACE, "deploy/" + DEPLOYMENT,
          "--tail", "60").output());

  @BeforeAll
  static void startNode() {
    suite = RealNodeSuite.start("operator-image-it", Duration.ofSeconds(180));
    node = suite.node();
    client = suite.client();
    operatorImage = Registry.OPEN.host() + "/claw/claw-operator";
    appImage = Registry.OPEN.host() + "/claw-app:1";
  }

  @AfterAll
  static void stopNode() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  @Order(1)
  void imageBuiltWithoutDockerIsPulledByTheKubeletAndTheOperatorBecomesReady() {
    String registry = node.registryAddress(Registry.OPEN);
    OperatorImage.Pushed base = OperatorImage.pushBase(registry + "/claw/jre:17");
    OperatorImage.Pushed pushed = OperatorImage.buildAndPush(registry + "/claw/claw-operator:" + TAG, base.image());
    suite.report("base image (hack/jre-base-image.sh) %d ms; operator image (README command) %d ms, %s"
        .formatted(base.millis(), pushed.millis(), pushed.digest()));

    // the chart before this one, whose CRD Helm installed from crds/: the next test upgrades from it. The
    // rig applied this release's CRD; the previous one replaces it, as that release would have left it
    Command.Result previousCrd = node.cluster().kubectl(null, "replace", "-f",
        PREVIOUS_CHART.resolve("crds").resolve("clawinstances.claw.io-v1.yml").toString());
    assertEquals(0, previousCrd.exitCode(), previousCrd.output());
    helm(new Helm(PREVIOUS_CHART).install().withName(RELEASE).withNamespace(RELEASE_NAMESPACE)
        .createNamespace().withKubeConfig(node.cluster().kubeconfig())
        .set("image.repository", operatorImage).set("image.tag", TAG)::call);
    Pod operator = awaitOperatorReady(null);

    var status = operator.getStatus().getContainerStatuses().get(0);
    assertTrue(status.getImageID().endsWith(pushed.digest()), status.getImageID() + " should be " + pushed.digest());
    assertTrue(podEvents(RELEASE_NAMESPACE, operator, "Pulled").stream()
        .anyMatch(e -> e.getMessage().startsWith("Successfully pulled image")), "the kubelet pulled the image");
    // in-cluster config: the chart's ServiceAccount token, the `kubernetes` Service; its Lease proves it talks to the API
    assertEquals(DEPLOYMENT, operator.getSpec().getServiceAccountName());
    assertTrue(operator.getSpec().getContainers().get(0).getVolumeMounts().stream()
        .anyMatch(m -> m.getMountPath().equals("/var/run/secrets/kubernetes.io/serviceaccount")));
    assertTrue(leaseHolder().startsWith(operator.getMetadata().getName()), leaseHolder());

    // non-root, read-only root filesystem, as the chart and the image say
    String procStatus = exec(operator, "cat", "/proc/1/status");
    assertTrue(procStatus.lines().anyMatch(l -> l.matches("Uid:\\s+1001\\s.*")), procStatus);
    Command.Result write = node.cluster().kubectl(null, "exec", "-n", RELEASE_NAMESPACE, operator.getMetadata().getName(),
        "--", "sh", "-c", "echo x > /probe");
    assertNotEquals(0, write.exitCode());
    assertTrue(write.output().contains("Read-only file system"), write.output());
  }

  /**
   * helm upgrade from the previous chart version (0.3.0, its CRD installed once from crds/) to this
   * one (the CRD a template, kept on uninstall), after the one-time adoption docs/operations.md
   * gives: the CRD is upgraded, and every instance and Pod stays (none replaced).
   */
  @Test
  @Order(2)
  void upgradeFromThePreviousChartCarriesTheCrdAndReplacesNoPod() {
    node.pushImage(Registry.OPEN, "claw-app:1", "v1");
    String upgradeNs = newNamespace(client);
    for (String name : List.of("before-upgrade-1", "before-upgrade-2")) {
      client.resource(instance(upgradeNs, name, appImage, PullPolicy.IF_NOT_PRESENT)).create();
    }
    java.util.Map<String, String> uids = new java.util.HashMap<>();
    for (String name : List.of("before-upgrade-1", "before-upgrade-2")) {
      io.claw.operator.testing.Fixtures.awaitStatus(suite.slow(), client, upgradeNs, name, s -> s.phase() == Phase.Running);
      uids.put(name, client.pods().inNamespace(upgradeNs).withName(name).get().getMetadata().getUid());
    }
    var crds = client.apiextensions().v1().customResourceDefinitions().withName("clawinstances.claw.io");
    assertFalse(crdText().contains("ImageRolledOut"), "the previous CRD does not know the new condition types");

    // the adoption docs/operations.md gives for an upgrade from 0.3.0 or earlier
    for (List<String> adopt : List.of(
        List.of("label", "crd", "clawinstances.claw.io", "app.kubernetes.io/managed-by=Helm", "--overwrite"),
        List.of("annotate", "crd", "clawinstances.claw.io", "meta.helm.sh/release-name=" + RELEASE,
            "meta.helm.sh/release-namespace=" + RELEASE_NAMESPACE, "--overwrite"))) {
      Command.Result result = node.cluster().kubectl(null, adopt.toArray(String[]::new));
      assertEquals(0, result.exitCode(), result.output());
    }
    // --reuse-values, as docs/operations.md says: the 0.3.0 release's values have none of the new keys
    helm(new Helm(Path.of("helm", "claw-operator")).upgrade().withName(RELEASE).withNamespace(RELEASE_NAMESPACE)
        .withKubeConfig(node.cluster().kubeconfig()).reuseValues()::call);
    suite.slow().until(() -> crdText().contains("ImageRolledOut"));
    assertEquals("keep", crds.get().getMetadata().getAnnotations().get("helm.sh/resource-policy"));
    awaitOperatorReady(null);
    for (String name : List.of("before-upgrade-1", "before-upgrade-2")) {
      ClawInstanceStatus status = io.claw.operator.testing.Fixtures.awaitStatus(suite.slow(), client, upgradeNs, name,
          s -> s.phase() == Phase.Running);
      assertEquals(uids.get(name), client.pods().inNamespace(upgradeNs).withName(name).get().getMetadata().getUid(),
          "Pod replaced by the upgrade: " + status);
    }
    // a field the 0.3.0 CRD does not have, served now: the namespace's warn level noted in the status
    client.namespaces().withName(upgradeNs).edit(n -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(n)
        .editMetadata().addToLabels("pod-security.kubernetes.io/warn", "restricted").endMetadata().build());
    ClawInstanceStatus noted = io.claw.operator.testing.Fixtures.awaitStatus(suite.slow(), client, upgradeNs,
        "before-upgrade-1", s -> s.podSecurity() != null && s.podSecurity().warn() != null);
    assertTrue(noted.podSecurity().warn().startsWith("restricted: "), noted.podSecurity().toString());
    assertEquals(uids.get("before-upgrade-1"), client.pods().inNamespace(upgradeNs).withName("before-upgrade-1").get()
        .getMetadata().getUid(), "a warn level refuses nothing and replaces nothing");
    suite.report("helm upgrade from chart 0.3.0 (CRD from crds/) to this chart (CRD a template): CRD upgraded by "
        + "Helm, kept on uninstall; 2 running instances kept their Pods; the new status.podSecurity.warn served: "
        + noted.podSecurity().warn());
  }

  private static String crdText() {
    return client.apiextensions().v1().customResourceDefinitions().withName("clawinstances.claw.io").get().toString();
  }

  @Test
  @Order(3)
  void theInClusterOperatorServesInstances() {
    ns = newNamespace(client);
    for (String name : List.of("follows-1", "follows-2", "follows-3")) {
      client.resource(instance(ns, name, appImage, null)).create();
    }
    client.resource(instance(ns, "pinned", appImage, PullPolicy.IF_NOT_PRESENT)).create();
    client.resource(instance(ns, "missing", Registry.OPEN.host() + "/claw-missing:1", PullPolicy.ALWAYS)).create();

    for (String name : List.of("follows-1", "follows-2", "follows-3", "pinned")) {
      ClawInstanceStatus running = awaitStatus(name, s -> s.phase() == Phase.Running);
      assertEquals(PullPolicy.IF_NOT_PRESENT, running.pullPolicy());
    }
    ClawInstanceStatus missing = awaitStatus("missing", s -> s.phase() == Phase.ImagePullFailed);
    assertTrue(missing.message().contains("not found"), missing.message());
    // the chart's RBAC lets the in-cluster operator read the node: the node's answer is known
    assertEquals("False", missing.pullFailure().imageOnNode(), missing.toString());

    Command.Result get = node.cluster().kubectl(null, "get", "clawinstances", "-n", ns);
    assertEquals(0, get.exitCode(), get.output());
    assertTrue(get.output().lines().findFirst().orElse("").matches(
        "NAME\\s+READY\\s+PHASE\\s+IMAGE\\s+ADDRESS\\s+PULL-POLICY\\s+PULL-FAILURE\\s+CAUSE\\s+AGE\\s*"), get.output());
    assertTrue(get.output().lines().anyMatch(l -> l.startsWith("missing ") && l.contains("ImagePullFailed")
        && (l.contains("ErrImagePull") || l.contains("ImagePullBackOff")) && l.contains("NotFound")), get.output());
    suite.report("kubectl get clawinstances, served by the in-cluster operator:\n" + get.output().stripTrailing());

    // pull first with the chart's default tool image, the operator's own: its claw-pull-done runs in the puller
    String v2 = node.pushImage(Registry.OPEN, "claw-app:2", "v2");
    java.util.Set<String> toolImages = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (var watch = client.pods().inNamespace(ns).withLabel(PullerPod.LABEL, "true").watch(
        new io.fabric8.kubernetes.client.Watcher<io.fabric8.kubernetes.api.model.Pod>() {
          @Override
          public void eventReceived(Action action, io.fabric8.kubernetes.api.model.Pod pod) {
            pod.getSpec().getInitContainers().forEach(c -> toolImages.add(c.getImage()));
          }

          @Override
          public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
          }
        })) {
      io.claw.operator.testing.Fixtures.editSpec(client, ns, "pinned",
          spec -> spec.setImage(Registry.OPEN.host() + "/claw-app:2"));
      ClawInstanceStatus moved = awaitStatus("pinned", s -> s.phase() == Phase.Running && s.imageID() != null
          && s.imageID().endsWith(v2));
      assertTrue(moved.condition(io.claw.operator.api.ClawCondition.IMAGE_ROLLED_OUT).isEmpty(), moved.toString());
    }
    assertEquals(java.util.Set.of(operatorImage + ":" + TAG), toolImages, "the pullers' tool image");
  }

  @Test
  @Order(4)
  void metricsThroughTheChartsServiceShowTheHeapCap() throws Exception {
    Service service = client.services().inNamespace(RELEASE_NAMESPACE).withName(DEPLOYMENT + "-metrics").get();
    assertNotNull(service, "the chart's metrics Service");
    URI uri = URI.create("http://%s:%d/q/metrics".formatted(service.getSpec().getClusterIP(),
        service.getSpec().getPorts().get(0).getPort()));
    String metrics = suite.slow().until(() -> HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body(),
        // the upgrade test's 2 and this class's 4 that run
        body -> body.contains("claw_instances{phase=\"Running\"} 6.0"));
    assertTrue(metrics.contains("claw_instances{phase=\"ImagePullFailed\"} 1.0"), metrics);

    // the chart's 512Mi limit and jvmMaxRamPercentage 50: a heap of at most 256 MiB, not the JVM's 25 % default
    double heapMax = 0;
    Matcher pools = Pattern.compile("(?m)^jvm_memory_max_bytes\\{area=\"heap\",[^}]*} (\\S+)$").matcher(metrics);
    while (pools.find()) {
      heapMax += Math.max(0, Double.parseDouble(pools.group(1)));
    }
    double mib = heapMax / (1024 * 1024);
    suite.report("operator heap cap inside the container: %.0f MiB (limit 512Mi, jvmMaxRamPercentage 50)".formatted(mib));
    assertTrue(mib > 200 && mib <= 256, "heap max " + mib + " MiB");
    // The chart names G1: under a limit this small the JVM would pick the serial collector, whose
    // pauses the benchmark measured. The benchmark's JVM runs with the chart's options, so it
    // collects as this one does.
    assertTrue(metrics.contains("jvm_memory_max_bytes{area=\"heap\",id=\"G1 Old Gen\"}"),
        "G1's old generation among the heap pools");
    suite.report("operator GC inside the container: G1 (heap pools G1 Eden Space, G1 Survivor Space, G1 Old Gen)");
    // jvmHeapFixed: the heap starts at its cap and keeps it, sparing G1 the repeated marking of a
    // small heap (docs/benchmark.md); left to itself it would have a few dozen MiB committed here
    double committed = 0;
    Matcher committedPools = Pattern.compile("(?m)^jvm_memory_committed_bytes\\{area=\"heap\",[^}]*} (\\S+)$").matcher(metrics);
    while (committedPools.find()) {
      committed += Double.parseDouble(committedPools.group(1));
    }
    suite.report("operator heap committed inside the container: %.0f MiB of its %.0f MiB cap (jvmHeapFixed)"
        .formatted(committed / (1024 * 1024), mib));
    assertTrue(committed >= 0.99 * heapMax, "heap committed " + committed + " bytes of " + heapMax);

    // The transport the benchmark measured: BoringSSL's and epoll's native libraries load from the
    // image (the jlink JRE, its C libraries, /tmp an emptyDir under a read-only root), and requests
    // go over HTTP/2. Read from the TLS sessions of the connections the operator opened and the
    // Vert.x they were made on, not from its settings.
    Matcher connections = Pattern.compile(
        "(?m)^claw_api_client_connections_total\\{http_version=\"(\\w+)\",tls=\"(\\w+)\",transport=\"(\\w+)\"} (\\S+)$")
        .matcher(metrics);
    java.util.Map<String, Double> opened = new java.util.TreeMap<>();
    while (connections.find()) {
      opened.put(connections.group(1) + "/" + connections.group(2) + "/" + connections.group(3),
          Double.parseDouble(connections.group(4)));
    }
    suite.report("operator's connections to the API server, by HTTP version, TLS and transport: " + opened);
    assertTrue(opened.getOrDefault("HTTP_2/OpenSSL/epoll", 0.0) >= 1, opened.toString());
    for (String other : List.of("HTTP_2/JDK/epoll", "HTTP_1_1/JDK/epoll", "HTTP_2/OpenSSL/nio", "HTTP_2/JDK/nio")) {
      assertEquals(0.0, opened.getOrDefault(other, -1.0), other + " in " + opened);
    }
  }

  @Test
  @Order(5)
  void upgradeHandsOverAndRecreatesPodsOfInstancesThatFollowTheDefaultOnce() {
    String oldOperator = awaitOperatorReady(null).getMetadata().getName();
    Path oldOperatorLog = Path.of("target", "real-node", "operator-image-it", "logs", "old-operator.log");
    Process followOldLog = followLog(oldOperator, oldOperatorLog);
    Map<String, Set<String>> podUids = new ConcurrentHashMap<>();
    // uid -> when first seen, for the followers' Pods made with the new default
    Map<String, Long> followerPodsCreated = new ConcurrentHashMap<>();
    long[] oldOperatorTerminating = {0};
    // the new leader's first write: it deletes a follower's Pod made with the old default
    long[] firstFollowerDeleted = {0};
    try (TestWatch<Pod> apps = watchPods(ns, pod -> {
      podUids.computeIfAbsent(pod.getMetadata().getName(), k -> ConcurrentHashMap.newKeySet()).add(pod.getMetadata().getUid());
      if ("Always".equals(pod.getSpec().getContainers().get(0).getImagePullPolicy())
          && pod.getMetadata().getName().startsWith("follows-")) {
        followerPodsCreated.putIfAbsent(pod.getMetadata().getUid(), System.nanoTime());
      }
      if ("IfNotPresent".equals(pod.getSpec().getContainers().get(0).getImagePullPolicy())
          && pod.getMetadata().getName().startsWith("follows-") && pod.getMetadata().getDeletionTimestamp() != null
          && firstFollowerDeleted[0] == 0) {
        firstFollowerDeleted[0] = System.nanoTime();
      }
    });
        TestWatch<Pod> operators = watchPods(RELEASE_NAMESPACE, pod -> {
          if (pod.getMetadata().getName().equals(oldOperator) && pod.getMetadata().getDeletionTimestamp() != null
              && oldOperatorTerminating[0] == 0) {
            oldOperatorTerminating[0] = System.nanoTime();
          }
        })) {
      suite.slow().until(() -> podUids.size() == 5);
      helm(new Helm(Path.of("helm", "claw-operator")).upgrade().withName(RELEASE).withNamespace(RELEASE_NAMESPACE)
          .withKubeConfig(node.cluster().kubeconfig()).reuseValues()
          .set("operator.defaultPullPolicy", "Always")::call);

      for (String name : List.of("follows-1", "follows-2", "follows-3")) {
        ClawInstanceStatus status = awaitStatus(name, s -> s.phase() == Phase.Running && s.pullPolicy() == PullPolicy.ALWAYS);
        assertEquals(PullPolicySource.OPERATOR_DEFAULT, status.pullPolicySource());
      }
      Pod newOperator = awaitOperatorReady(oldOperator);
      assertTrue(leaseHolder().startsWith(newOperator.getMetadata().getName()), leaseHolder());
      followOldLog.destroy();
      String oldLog = readFile(oldOperatorLog);
      suite.report("old operator, leader election and shutdown:\n" + leaderLines(oldLog));
      suite.report("new operator, leader election:\n" + leaderLines(node.cluster().kubectl(null, "logs", "-n",
          RELEASE_NAMESPACE, newOperator.getMetadata().getName()).output()));
      // nothing else churns afterwards: each follower replaced once, the others never
      Awaitility.await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).until(() -> true);
      for (String name : List.of("follows-1", "follows-2", "follows-3")) {
        assertEquals(2, podUids.get(name).size(), name + " Pods: " + podUids.get(name));
      }
      assertEquals(1, podUids.get("pinned").size(), "pinned Pods: " + podUids.get("pinned"));
      assertEquals(1, podUids.get("missing").size(), "missing Pods: " + podUids.get("missing"));
      assertEquals(PullPolicy.IF_NOT_PRESENT, awaitStatus("pinned", s -> true).pullPolicy());
      assertEquals(3, followerPodsCreated.size(), followerPodsCreated.toString());
      assertTrue(oldOperatorTerminating[0] != 0, "the old operator's Pod was not seen terminating");
      assertTrue(oldLog.contains("Released the leader election Lease"), "the old operator gave the Lease up:\n" + oldLog);
      long firstReplaced = followerPodsCreated.values().stream().min(Long::compare).orElseThrow();
      long handOver = (firstFollowerDeleted[0] - oldOperatorTerminating[0]) / 1_000_000;
      long toReplaced = (firstReplaced - oldOperatorTerminating[0]) / 1_000_000;
      suite.report(("helm upgrade: from the old operator Pod terminating, %d ms to the new leader's first write (a"
          + " follower's Pod deleted), %d ms to its replacement Pod (after the kubelet stopped the old one)")
          .formatted(handOver, toReplaced));
      assertTrue(firstFollowerDeleted[0] != 0 && handOver > 0,
          "a follower's Pod was deleted before the old operator stopped: " + handOver + " ms");
    }
  }

  /**
   * Rules in Helm values: a `helm upgrade` that changes one rule recreates the Pods of exactly the
   * instances that rule matches, once each, and `kubectl get claw -o wide` names the rule.
   */
  @Test
  @Order(6)
  void upgradeThatChangesOneRuleRecreatesExactlyItsInstancesOnce() {
    String otherImage = Registry.OPEN.host() + "/other/app:1";
    node.pushImage(Registry.OPEN, "other/app:1", "o1");
    upgradeWithRules("IfNotPresent");
    for (String name : List.of("follows-1", "follows-2", "follows-3")) {
      ClawInstanceStatus status = awaitStatus(name, s -> s.phase() == Phase.Running && "app".equals(s.pullPolicyRule()));
      assertEquals(PullPolicy.IF_NOT_PRESENT, status.pullPolicy());
    }
    client.resource(instance(ns, "rule-a-1", appImage, null)).create();
    client.resource(instance(ns, "rule-b-1", otherImage, null)).create();
    client.resource(instance(ns, "rule-b-2", otherImage, null)).create();
    for (String name : List.of("rule-a-1", "rule-b-1", "rule-b-2")) {
      awaitStatus(name, s -> s.phase() == Phase.Running && s.pullPolicySource() == PullPolicySource.RULE);
    }

    Map<String, Set<String>> podUids = new ConcurrentHashMap<>();
    try (TestWatch<Pod> pods = watchPods(ns, pod -> podUids.computeIfAbsent(pod.getMetadata().getName(),
        k -> ConcurrentHashMap.newKeySet()).add(pod.getMetadata().getUid()))) {
      suite.slow().until(() -> podUids.size() == 8);
      upgradeWithRules("Always");
      for (String name : List.of("rule-b-1", "rule-b-2")) {
        ClawInstanceStatus status = awaitStatus(name, s -> s.phase() == Phase.Running && s.pullPolicy() == PullPolicy.ALWAYS);
        assertEquals("other", status.pullPolicyRule());
      }
      awaitOperatorReady(null);
      Awaitility.await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).until(() -> true);
      Map<String, Integer> created = new java.util.TreeMap<>();
      podUids.forEach((name, uids) -> created.put(name, uids.size()));
      assertEquals(Map.of("follows-1", 1, "follows-2", 1, "follows-3", 1, "pinned", 1, "missing", 1,
          "rule-a-1", 1, "rule-b-1", 2, "rule-b-2", 2), created, "Pods per instance across the upgrade");
    }
    Command.Result wide = node.cluster().kubectl(null, "get", "claw", "-n", ns, "-o", "wide");
    assertEquals(0, wide.exitCode(), wide.output());
    assertTrue(wide.output().lines().findFirst().orElse("").contains("POLICY-SOURCE   POLICY-RULE"), wide.output());
    assertTrue(wide.output().lines().anyMatch(l -> l.startsWith("rule-b-1 ") && l.matches(".*\\bAlways\\s+rule\\s+other\\b.*")),
        wide.output());
    assertTrue(wide.output().lines().anyMatch(l -> l.startsWith("pinned ") && l.matches(".*\\bIfNotPresent\\s+spec\\s.*")),
        wide.output());
    suite.report("kubectl get claw -o wide after a rule changed:\n" + wide.output().stripTrailing());
  }

  /** Two rules for the open registry's repositories; the second's policy is the one that changes. */
  private static void upgradeWithRules(String otherPolicy) {
    helm(new Helm(Path.of("helm", "claw-operator")).upgrade().withName(RELEASE).withNamespace(RELEASE_NAMESPACE)
        .withKubeConfig(node.cluster().kubeconfig()).reuseValues()
        .set("operator.pullPolicyRules[0].name", "app")
        .set("operator.pullPolicyRules[0].registry", Registry.OPEN.host())
        .set("operator.pullPolicyRules[0].repository", "claw-app")
        .set("operator.pullPolicyRules[0].pullPolicy", "IfNotPresent")
        .set("operator.pullPolicyRules[1].name", "other")
        .set("operator.pullPolicyRules[1].registry", Registry.OPEN.host())
        .set("operator.pullPolicyRules[1].repository", "other/*")
        .set("operator.pullPolicyRules[1].pullPolicy", otherPolicy)::call);
  }

  @Test
  @Order(7)
  void operatorStartsFromTheNodesCacheWithItsRegistryDown() {
    Pod before = awaitOperatorReady(null);
    node.withRegistryDown(Registry.OPEN, () -> {
      client.resource(before).withGracePeriod(30).delete();
      Pod after = awaitOperatorReady(before.getMetadata().getName());
      assertTrue(podEvents(RELEASE_NAMESPACE, after, "Pulled").stream()
          .anyMatch(e -> e.getMessage().contains("already present on machine")), "started from the node's cache");
      // and it serves: an instance whose image the node has
      client.resource(instance(ns, "offline", appImage, PullPolicy.IF_NOT_PRESENT)).create();
      awaitStatus("offline", s -> s.phase() == Phase.Running);
    });
  }

  @Test
  @Order(8)
  void uninstallRemovesTheOperatorAndLeavesInstancesTheirPodsAndTheCrd() {
    Map<String, String> uidsBefore = new java.util.HashMap<>();
    for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
      uidsBefore.put(pod.getMetadata().getName(), pod.getMetadata().getUid());
    }
    helm(Helm.uninstall(RELEASE).withNamespace(RELEASE_NAMESPACE).withKubeConfig(node.cluster().kubeconfig())::call);
    suite.slow().until(() -> client.apps().deployments().inNamespace(RELEASE_NAMESPACE).withName(DEPLOYMENT).get() == null
        && client.pods().inNamespace(RELEASE_NAMESPACE).list().getItems().isEmpty());

    assertNotNull(client.apiextensions().v1().customResourceDefinitions().withName("clawinstances.claw.io").get(),
        "Helm leaves the CRD in place: helm.sh/resource-policy keep");
    assertEquals(uidsBefore.keySet(), client.resources(ClawInstance.class).inNamespace(ns).list().getItems().stream()
        .map(ci -> ci.getMetadata().getName()).collect(java.util.stream.Collectors.toSet()), "every instance stays");
    for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
      assertEquals(uidsBefore.get(pod.getMetadata().getName()), pod.getMetadata().getUid(), "Pod replaced: " + pod);
    }
    assertEquals(uidsBefore.keySet().size(), client.pods().inNamespace(ns).list().getItems().size());

    // nobody serves new instances now
    client.resource(instance(ns, "after-uninstall", appImage, null)).create();
    Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() ->
        client.pods().inNamespace(ns).withName("after-uninstall").get() == null
            && client.resources(ClawInstance.class).inNamespace(ns).withName("after-uninstall").get().getStatus() == null);
    // deleting an instance still removes its Pod: the garbage collector follows the owner reference
    client.resources(ClawInstance.class).inNamespace(ns).withName("follows-1").delete();
    suite.slow().until(() -> client.pods().inNamespace(ns).withName("follows-1").get() == null);
  }

  // --- helpers ---

  /** kubectl logs -f into a file: the log of a Pod that is about to go away. */
  private static Process followLog(String pod, Path file) {
    try {
      java.nio.file.Files.createDirectories(file.getParent());
      return new ProcessBuilder("kubectl", "--kubeconfig", node.cluster().kubeconfig().toString(), "logs", "-f",
          "-n", RELEASE_NAMESPACE, pod).redirectErrorStream(true).redirectOutput(file.toFile()).start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String readFile(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }

  /** The log lines about the Lease, startup and shutdown, with their times. */
  private static String leaderLines(String log) {
    return log.lines().filter(l -> l.matches("(?i).*(lease|leader|started in|stopp|shutdown|shut down|terminat).*"))
        .map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("  (no such lines)");
  }

  private static void helm(java.util.concurrent.Callable<?> command) {
    try {
      command.call();
    } catch (Exception e) {
      throw new AssertionError("helm failed: " + e.getMessage(), e);
    }
  }

  /** The one Ready operator Pod that is not {@code notThisOne}, once the Deployment has no other. */
  private static Pod awaitOperatorReady(String notThisOne) {
    return suite.slow().until(() -> {
      List<Pod> pods = client.pods().inNamespace(RELEASE_NAMESPACE).list().getItems();
      if (pods.size() != 1 || pods.get(0).getMetadata().getName().equals(notThisOne)) {
        return null;
      }
      Pod pod = pods.get(0);
      boolean ready = pod.getStatus().getConditions().stream()
          .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      return ready ? pod : null;
    }, pod -> pod != null);
  }

  private static String leaseHolder() {
    Lease lease = client.leases().inNamespace(RELEASE_NAMESPACE).withName("claw-operator-lease").get();
    return lease == null || lease.getSpec().getHolderIdentity() == null ? "(none)" : lease.getSpec().getHolderIdentity();
  }

  private static List<Event> podEvents(String namespace, Pod pod, String reason) {
    return suite.slow().until(() -> client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> pod.getMetadata().getUid().equals(e.getInvolvedObject().getUid()) && reason.equals(e.getReason()))
        .toList(), list -> !list.isEmpty());
  }

  private static String exec(Pod pod, String... command) {
    List<String> args = new ArrayList<>(List.of("exec", "-n", pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(), "--"));
    args.addAll(List.of(command));
    Command.Result result = node.cluster().kubectl(null, args.toArray(String[]::new));
    assertEquals(0, result.exitCode(), result.output());
    return result.output();
  }

  private static TestWatch<Pod> watchPods(String namespace, java.util.function.Consumer<Pod> onEvent) {
    return TestWatch.start(client.pods().inNamespace(namespace), (action, pod) -> onEvent.accept(pod));
  }

  private static ClawInstanceStatus awaitStatus(String name, Predicate<ClawInstanceStatus> condition) {
    return suite.awaitStatus(ns, name, condition);
  }
}
