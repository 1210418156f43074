package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.api.Reasons;
import io.claw.operator.testing.Command;
import io.claw.operator.testing.Prometheus;
import io.claw.operator.testing.RealNode;
import io.claw.operator.testing.RealNode.Registry;
import io.claw.operator.testing.RealNodeSuite;
import io.claw.operator.testing.Seen;
import io.claw.operator.testing.Stats;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The packaged operator on a real node: real pulls from real registries by a real kubelet,
 * the failures it reports quoted as the kubelet words them, and the time to recover from each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeIT {

  private static RealNodeSuite suite;
  private static RealNode node;
  private static KubernetesClient client;

  /** What a failed test saw: instances, Pods, Events, the operator's and the kubelet's log. */
  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE = RealNodeSuite.dumpOnFailure(() -> suite,
      List.of(List.of("get", "claw,pods", "-A", "-o", "yaml"), List.of("get", "events", "-A")),
      RealNodeSuite::operatorTail);

  @BeforeAll
  static void startNode() {
    suite = RealNodeSuite.start("real-node-it", Duration.ofSeconds(120));
    node = suite.node();
    client = suite.client();
    suite.startOperator("real-node-it", Map.of());
  }

  @AfterAll
  static void stopNode() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  @Order(1)
  void airGappedNodeRunsTheCachedImageUnlessAlwaysIsAsked() {
    String digest = node.pushImage(Registry.AIRGAP, "openclaw:latest", "v1");
    String image = Registry.AIRGAP.host() + "/openclaw:latest";
    String ns = newNamespace(client);
    // a Pod pulls it while the registry is up: now the node holds it
    client.resource(instance(ns, "warm", image, null)).create();
    assertTrue(suite.awaitStatus(ns, "warm", s -> s.phase() == Phase.Running).imageID().endsWith(digest));
    // the kubelet lists a pulled image in the node's status.images within about 40 s (its image
    // cache is refreshed every 30 s, the node status every 10)
    long pulled = System.nanoTime();
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
        .until(() -> client.nodes().withName(node.nodeName()).get().getStatus().getImages().stream()
            .anyMatch(i -> i.getNames() != null && i.getNames().contains(image)));
    suite.report("node status lists the pulled image after " + RealNodeSuite.millisSince(pulled) + " ms more");
    node.withRegistryDown(Registry.AIRGAP, () -> {
      client.resource(instance(ns, "offline", image, null)).create();
      ClawInstanceStatus offline = suite.awaitStatus(ns, "offline", s -> s.phase() == Phase.Running);
      assertEquals(PullPolicy.IF_NOT_PRESENT, offline.pullPolicy());
      assertEquals(PullPolicySource.BUILT_IN, offline.pullPolicySource());
      assertTrue(offline.imageID().endsWith(digest), offline.imageID() + " should name " + digest);

      client.resource(instance(ns, "always", image, PullPolicy.ALWAYS)).create();
      ClawInstanceStatus failing = suite.awaitStatus(ns, "always", s -> s.phase() == Phase.ImagePullFailed);
      ClawCondition first = pullCondition(failing);
      assertTrue(Set.of("ErrImagePull", "ImagePullBackOff").contains(first.reason()), first.reason());
      assertTrue(failing.message().contains("connection refused"), failing.message());
      assertTrue(failing.message().contains("pullPolicy Always"), failing.message());
      assertDiagnosis(failing, PullFailureCause.REGISTRY_UNREACHABLE, Registry.AIRGAP.host(), "True",
          "already holds " + image);
      assertTrue(failing.pullFailure().hint().contains("IfNotPresent would run the node's copy"), failing.toString());
      suite.report("air-gapped, Always: " + failing.message() + " | hint: " + failing.pullFailure().hint());

      // through several back-off rounds (pulls 10 and 20 s apart) the condition holds, with the registry's error
      Set<String> kubeletReasons = new LinkedHashSet<>();
      int errImagePullRounds = watchFor(Duration.ofSeconds(45), ns, "always", (status, pod) -> {
        ClawCondition pull = pullCondition(status);
        assertEquals(ClawCondition.TRUE, pull.status(), "ImagePullFailed flapped: " + status);
        assertEquals(first.lastTransitionTime(), pull.lastTransitionTime(), "transition time moved: " + status);
        assertEquals(Phase.ImagePullFailed, status.phase(), status.toString());
        assertTrue(status.message().contains("connection refused"), status.message());
        assertEquals(PullFailureCause.REGISTRY_UNREACHABLE, status.pullFailure().cause(), "the cause moved: " + status);
        waitingReason(pod).ifPresent(kubeletReasons::add);
      });
      assertTrue(errImagePullRounds >= 2, "the kubelet retried only " + errImagePullRounds + " times: " + kubeletReasons);
      assertTrue(kubeletReasons.containsAll(Set.of("ErrImagePull", "ImagePullBackOff")), kubeletReasons.toString());

      long fixed = System.nanoTime();
      editSpec(client, ns, "always", spec -> spec.setPullPolicy(PullPolicy.IF_NOT_PRESENT));
      ClawInstanceStatus recovered = suite.awaitStatus(ns, "always", s -> s.phase() == Phase.Running);
      suite.report("air-gapped: policy fix to Running in " + RealNodeSuite.millisSince(fixed) + " ms");
      assertTrue(recovered.imageID().endsWith(digest), recovered.imageID());
      assertEquals(Reasons.IMAGE_PULLED, pullCondition(recovered).reason());
      assertOneRecoveredEventAfterThePull(ns, "always");
    });
  }

  @Test
  @Order(2)
  void rePushedTagIsPulledAgainOnRestartWithAlwaysOnly() {
    String v1 = node.pushImage(Registry.OPEN, "cortex:stable", "v1");
    String image = Registry.OPEN.host() + "/cortex:stable";
    String ns = newNamespace(client);
    client.resource(instance(ns, "always", image, PullPolicy.ALWAYS)).create();
    client.resource(instance(ns, "cached", image, PullPolicy.IF_NOT_PRESENT)).create();
    assertTrue(suite.awaitStatus(ns, "always", s -> s.phase() == Phase.Running).imageID().endsWith(v1));
    assertTrue(suite.awaitStatus(ns, "cached", s -> s.phase() == Phase.Running).imageID().endsWith(v1));

    String v2 = node.pushImage(Registry.OPEN, "cortex:stable", "v2");
    assertNotEquals(v1, v2);
    ClawInstanceStatus cached = restart(ns, "cached");
    assertTrue(cached.imageID().endsWith(v1), "IfNotPresent keeps the node's copy: " + cached.imageID());
    assertEquals("v1", appMarker(ns, "cached"));

    ClawInstanceStatus always = restart(ns, "always");
    assertTrue(always.imageID().endsWith(v2), "Always pulls the re-pushed tag: " + always.imageID());
    assertEquals("v2", appMarker(ns, "always"));

    // The Always pull moved the node's tag: from now on IfNotPresent starts v2 as well.
    assertTrue(restart(ns, "cached").imageID().endsWith(v2));
    assertEquals("v2", appMarker(ns, "cached"));
  }

  @Test
  @Order(3)
  void neverWithAnAbsentImageAndAMissingTag() {
    String ns = newNamespace(client);
    String absent = Registry.OPEN.host() + "/not-on-this-node:1";
    client.resource(instance(ns, "never", absent, PullPolicy.NEVER)).create();
    ClawInstanceStatus never = suite.awaitStatus(ns, "never", s -> s.phase() == Phase.ImagePullFailed);
    assertEquals("ErrImageNeverPull", never.pullFailureReason());
    assertTrue(never.message().contains("Container image \"" + absent + "\" is not present with pull policy of Never"),
        never.message());
    assertDiagnosis(never, PullFailureCause.NOT_PRESENT_ON_NODE, Registry.OPEN.host(), "False",
        "node " + node.nodeName() + " does not hold " + absent);
    suite.report("Never, absent: " + never.message() + " | hint: " + never.pullFailure().hint());
    String table = node.cluster().kubectl(null, "get", "claw", "-n", ns, "never").output();
    assertTrue(table.lines().skip(1).findFirst().orElse("")
        .matches("never\\s+False\\s+ImagePullFailed\\s+" + java.util.regex.Pattern.quote(absent)
            + "\\s+Never\\s+ErrImageNeverPull\\s+NotPresentOnNode\\s+\\S+"),
        table);

    node.pushImage(Registry.OPEN, "present:1", "v1");
    String missingTag = Registry.OPEN.host() + "/present:no-such-tag";
    client.resource(instance(ns, "missing-tag", missingTag, null)).create();
    ClawInstanceStatus missing = suite.awaitStatus(ns, "missing-tag",
        s -> s.phase() == Phase.ImagePullFailed && "ErrImagePull".equals(pullCondition(s).reason()));
    assertTrue(missing.message().contains("not found"), missing.message());
    assertDiagnosis(missing, PullFailureCause.NOT_FOUND, Registry.OPEN.host(), "False",
        Registry.OPEN.host() + " has no present:no-such-tag");
    suite.report("missing tag: " + missing.message() + " | hint: " + missing.pullFailure().hint());
  }

  @Test
  @Order(4)
  void privateRegistryWithoutItsSecretRecoversWhenTheSecretIsCreated() {
    String digest = node.pushImage(Registry.PRIVATE, "team/app:1", "p1");
    String ns = newNamespace(client);
    ClawInstance instance = instance(ns, "private", Registry.PRIVATE.host() + "/team/app:1", PullPolicy.ALWAYS);
    instance.getSpec().setImagePullSecrets(List.of("regcred"));
    client.resource(instance).create();
    ClawInstanceStatus refused = suite.awaitStatus(ns, "private", s -> s.phase() == Phase.ImagePullFailed
        && s.message().contains("401 Unauthorized"));
    ClawCondition secrets = refused.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow();
    assertEquals(ClawCondition.FALSE, secrets.status());
    assertTrue(secrets.message().contains("regcred"), secrets.message());
    assertDiagnosis(refused, PullFailureCause.UNAUTHORIZED, Registry.PRIVATE.host(), "False",
        "Create the missing pull secret(s) regcred");
    suite.report("private, no Secret: " + refused.message() + " | hint: " + refused.pullFailure().hint());

    long created = System.nanoTime();
    client.resource(pullSecret(ns, "regcred")).create();
    ClawInstanceStatus running = suite.awaitStatus(ns, "private", s -> s.phase() == Phase.Running);
    suite.report("private: Secret created to Running in " + RealNodeSuite.millisSince(created) + " ms");
    assertTrue(running.imageID().endsWith(digest), running.imageID());
    assertEquals(ClawCondition.TRUE, running.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow().status());
    assertOneRecoveredEventAfterThePull(ns, "private");
  }

  /** Recovery times, each a median over several runs: printed, and quoted in docs/development.md. */
  @Test
  @Order(5)
  void recoveryTimesFromEachFix() {
    node.pushImage(Registry.AIRGAP, "recover:1", "r1");
    node.pushImage(Registry.PRIVATE, "team/recover:1", "r1");
    String ns = newNamespace(client);
    // the node caches the image; then the registry goes, so that Always fails at once
    client.resource(instance(ns, "seed", Registry.AIRGAP.host() + "/recover:1", null)).create();
    suite.awaitStatus(ns, "seed", s -> s.phase() == Phase.Running);
    List<Long> policyFix = new ArrayList<>();
    List<Long> secretFix = new ArrayList<>();
    node.withRegistryDown(Registry.AIRGAP, () -> {
      for (int run = 0; run < 5; run++) {
        String name = "policy-" + run;
        client.resource(instance(ns, name, Registry.AIRGAP.host() + "/recover:1", PullPolicy.ALWAYS)).create();
        suite.awaitStatus(ns, name, s -> s.phase() == Phase.ImagePullFailed);
        long fixed = System.nanoTime();
        editSpec(client, ns, name, spec -> spec.setPullPolicy(PullPolicy.IF_NOT_PRESENT));
        suite.awaitStatus(ns, name, s -> s.phase() == Phase.Running);
        policyFix.add(RealNodeSuite.millisSince(fixed));
      }
    });
    for (int run = 0; run < 5; run++) {
      String name = "secret-" + run;
      ClawInstance instance = instance(ns, name, Registry.PRIVATE.host() + "/team/recover:1", PullPolicy.ALWAYS);
      instance.getSpec().setImagePullSecrets(List.of("cred-" + run));
      client.resource(instance).create();
      suite.awaitStatus(ns, name, s -> s.phase() == Phase.ImagePullFailed);
      long created = System.nanoTime();
      client.resource(pullSecret(ns, "cred-" + run)).create();
      suite.awaitStatus(ns, name, s -> s.phase() == Phase.Running);
      secretFix.add(RealNodeSuite.millisSince(created));
    }
    suite.report("recovery, policy fix to Running (ms): " + Stats.summary(policyFix));
    suite.report("recovery, Secret created to Running (ms): " + Stats.summary(secretFix));
  }

  /** From the kubelet's Pod status change to the instance's status, as both are seen through watches. */
  @Test
  @Order(6)
  void podStatusToInstanceStatusLatency() throws Exception {
    node.pushImage(Registry.OPEN, "latency:1", "l1");
    String ns = newNamespace(client);
    int n = 20;
    List<Long> latencies = new ArrayList<>();
    try (Seen<Pod> pods = Seen.watch(client.pods().inNamespace(ns), RealNodeSuite::isRunning);
        Seen<ClawInstance> instances = Seen.watch(client.resources(ClawInstance.class).inNamespace(ns),
            ci -> ci.getStatus() != null && ci.getStatus().phase() == Phase.Running)) {
      for (int i = 0; i < n; i++) {
        client.resource(instance(ns, "lat-" + i, Registry.OPEN.host() + "/latency:1", null)).create();
      }
      suite.slow().until(() -> instances.count() == n && pods.count() == n);
      for (int i = 0; i < n; i++) {
        latencies.add((instances.firstSeen("lat-" + i) - pods.firstSeen("lat-" + i)) / 1_000_000);
      }
    }
    suite.report("Pod Running to instance Running, " + n + " instances (ms): " + Stats.summary(latencies));
    assertTrue(latencies.stream().allMatch(l -> l >= 0), latencies.toString());
  }

  // --- helpers ---

  /**
   * The documented restart: delete the Pod, and the operator creates a new one at once. Returns
   * the instance's status once it shows the new Pod running.
   */
  private static ClawInstanceStatus restart(String ns, String name) {
    String before = podUid(ns, name);
    var deleted = node.cluster().kubectl(null, "delete", "pod", "-n", ns, name, "--wait=false");
    assertEquals(0, deleted.exitCode(), deleted.output());
    Pod replacement = suite.slow().until(() -> client.pods().inNamespace(ns).withName(name).get(),
        pod -> pod != null && !pod.getMetadata().getUid().equals(before) && RealNodeSuite.isRunning(pod));
    String imageID = replacement.getStatus().getContainerStatuses().get(0).getImageID();
    return suite.awaitStatus(ns, name, s -> s.phase() == Phase.Running && imageID.equals(s.imageID()));
  }

  private static String podUid(String ns, String name) {
    Pod pod = client.pods().inNamespace(ns).withName(name).get();
    return pod == null ? "" : pod.getMetadata().getUid();
  }

  /** The marker of the image the app runs, from what it printed first ("claw test app v2 started"). */
  private static String appMarker(String ns, String name) {
    String log = suite.slow().until(() -> client.pods().inNamespace(ns).withName(name).getLog(),
        l -> l != null && l.contains("started"));
    return log.lines().filter(l -> l.contains("started")).findFirst().orElseThrow()
        .replace("claw test app ", "").replace(" started", "").trim();
  }

  /** The Warning when the pull failed, then exactly one ImagePullRecovered, written after a pull succeeded. */
  /**
   * A real eviction: the kubelet's eviction manager evicts a Pod whose container writes more than
   * its ephemeral-storage limit. The operator replaces it, and backs off when the next one is
   * evicted too.
   */
  @Test
  @Order(7)
  void anAppThatOutgrowsItsEphemeralStorageIsEvictedAndReplaced() {
    node.pushImage(Registry.OPEN, "filler:1", "f1");
    String ns = newNamespace(client);
    ClawInstance instance = instance(ns, "filler", Registry.OPEN.host() + "/filler:1", null);
    instance.getSpec().setEnv(List.of(new io.fabric8.kubernetes.api.model.EnvVar("CLAW_TEST_FILL_KB", "4096", null)));
    instance.getSpec().setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
        .addToLimits("ephemeral-storage", new io.fabric8.kubernetes.api.model.Quantity("1Mi")).build());
    client.resource(instance).create();
    Pod first = suite.slow().until(() -> client.pods().inNamespace(ns).withName("filler").get(), p -> p != null);

    List<Event> replaced = suite.slow().until(() -> events(ns, "filler", Reasons.POD_REPLACED), list -> !list.isEmpty());
    String message = replaced.get(0).getMessage();
    suite.report("eviction: " + message);
    assertTrue(message.startsWith("Replacing Pod filler, evicted by the node: "), message);
    assertTrue(message.contains("ephemeral"), message);
    Pod second = suite.slow().until(() -> client.pods().inNamespace(ns).withName("filler").get(),
        p -> p != null && !p.getMetadata().getUid().equals(first.getMetadata().getUid()));
    assertEquals("1", second.getMetadata().getAnnotations().get(io.claw.operator.pod.Labels.ENDED_PODS));

    // The replacements fill their layers too. The kubelet needs 10 to 20 s to see it (its stats and
    // its eviction manager each run every 10 s), so the second Pod outlives its 10 s back-off; a
    // later one, with 20 s or 40 s, is evicted within its back-off and waits it out.
    ClawInstanceStatus backingOff = suite.awaitStatus(ns, "filler", s -> s.condition(ClawCondition.READY)
        .map(c -> Reasons.POD_ENDED_BACK_OFF.equals(c.reason())).orElse(false));
    suite.report("eviction again: " + backingOff.message());
    assertTrue(backingOff.endedPods() >= 2, backingOff.toString());
    assertTrue(backingOff.message().contains(backingOff.endedPods() + " Pods in a row have ended"),
        backingOff.message());
    assertEquals(Phase.Failed, backingOff.phase());
    client.resource(instance).delete();
  }

  private static void assertOneRecoveredEventAfterThePull(String ns, String name) {
    List<Event> recovered = suite.slow().until(() -> events(ns, name, "ImagePullRecovered"), list -> !list.isEmpty());
    Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> events(ns, name, "ImagePullRecovered").size() == 1);
    Pod pod = client.pods().inNamespace(ns).withName(name).get();
    String startedAt = pod.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt();
    assertTrue(recovered.get(0).getLastTimestamp().compareTo(startedAt) >= 0,
        "ImagePullRecovered at " + recovered.get(0).getLastTimestamp() + ", before the container started at "
            + startedAt);
  }

  private static List<Event> events(String ns, String name, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
  }

  /**
   * Each remaining cause made for real on the node, side by side: a registry that is down (the
   * image not on the node), a name that does not resolve, a certificate the node does not trust,
   * a front that answers 429, a Secret with a wrong password, and an index with no image for the
   * node's platform.
   */
  @Test
  @Order(8)
  void eachPullFailureCauseIsNamedWithItsRegistryAndHint() throws Exception {
    String ns = newNamespace(client);
    String platformImage = armOnlyIndex("armonly", "1");
    node.pushImage(Registry.PRIVATE, "team/other:1", "o1"); // never pulled here: the node does not hold it
    client.resource(secret(ns, "wrongcred", node.registryUser(), "not-" + node.registryPassword())).create();
    try (TooManyRequests front = TooManyRequests.on(node.registryAddress(Registry.RATELIMIT))) {
      node.withRegistryDown(Registry.AIRGAP, () -> {
        Map<String, String> images = new java.util.LinkedHashMap<>();
        images.put("down", Registry.AIRGAP.host() + "/never-pushed:1");
        images.put("dns", "registry.nosuch.invalid/app:1");
        images.put("tls", Registry.TLS.host() + "/app:1");
        images.put("ratelimit", Registry.RATELIMIT.host() + "/app:1");
        images.put("wrong-secret", Registry.PRIVATE.host() + "/team/other:1");
        images.put("platform", platformImage);
        images.forEach((name, image) -> {
          ClawInstance instance = instance(ns, name, image, PullPolicy.ALWAYS);
          if (name.equals("wrong-secret")) {
            instance.getSpec().setImagePullSecrets(List.of("wrongcred"));
          }
          client.resource(instance).create();
        });
        Map<String, ClawInstanceStatus> seen = new java.util.LinkedHashMap<>();
        images.keySet().forEach(name -> seen.put(name, suite.awaitStatus(ns, name,
            s -> s.phase() == Phase.ImagePullFailed && s.pullFailure() != null
                && s.pullFailure().cause() != PullFailureCause.UNKNOWN)));
        assertDiagnosis(seen.get("down"), PullFailureCause.REGISTRY_UNREACHABLE, Registry.AIRGAP.host(), "False",
            "The node cannot reach " + Registry.AIRGAP.host());
        assertDiagnosis(seen.get("dns"), PullFailureCause.REGISTRY_UNREACHABLE, "registry.nosuch.invalid", "False",
            "The node cannot reach registry.nosuch.invalid");
        assertDiagnosis(seen.get("tls"), PullFailureCause.TLS_ERROR, Registry.TLS.host(), "False",
            "The node does not accept the TLS of " + Registry.TLS.host());
        assertDiagnosis(seen.get("ratelimit"), PullFailureCause.RATE_LIMITED, Registry.RATELIMIT.host(), "False",
            Registry.RATELIMIT.host() + " limits the rate of pulls");
        assertTrue(front.requests() > 0, "the kubelet's pulls reached the 429 front");
        assertDiagnosis(seen.get("wrong-secret"), PullFailureCause.UNAUTHORIZED, Registry.PRIVATE.host(), "False",
            Registry.PRIVATE.host() + " refused the credentials in wrongcred");
        assertDiagnosis(seen.get("platform"), PullFailureCause.PLATFORM_MISMATCH, Registry.OPEN.host(), "False",
            platformImage + " has no build for the platform of node " + node.nodeName() + " (linux/amd64)");
        seen.forEach((name, status) -> suite.report(name + ": " + status.message() + " | cause "
            + status.pullFailure().cause() + " | hint: " + status.pullFailure().hint()));
        assertOneWarningPerCause(ns, images.keySet());
        assertTheChartsAlertFires(List.of("RegistryUnreachable", "TLSError", "RateLimited", "Unauthorized",
            "PlatformMismatch"));
      });
    }
  }

  /**
   * A real Prometheus scrapes the operator and evaluates the chart's rules (their 5 minutes cut
   * to 5 s): the pull-failure alert fires, one per cause.
   */
  /**
   * The tenant hole (issue 21): once namespace A pulled a private image with its Secret, namespace B
   * runs it from the node's cache under the default IfNotPresent, without any Secret. A rule that
   * marks the registry as needing credentials closes it: B's Pod is replaced with Always and the
   * registry answers 401; A's is replaced once and runs again with its own Secret.
   */
  @Test
  @Order(9)
  void aCachedPrivateImageRunsInAnotherTenantUntilACredentialsRuleClosesTheHole() throws InterruptedException {
    String digest = node.pushImage(Registry.PRIVATE, "tenant/app:1", "t1");
    String image = Registry.PRIVATE.host() + "/tenant/app:1";
    String a = newNamespace(client);
    String b = newNamespace(client);
    client.resource(pullSecret(a, "regcred")).create();
    ClawInstance owner = instance(a, "owner", image, null);
    owner.getSpec().setImagePullSecrets(List.of("regcred"));
    client.resource(owner).create();
    assertTrue(suite.awaitStatus(a, "owner", s -> s.phase() == Phase.Running).imageID().endsWith(digest));

    client.resource(instance(b, "intruder", image, null)).create();
    ClawInstanceStatus intruder = suite.awaitStatus(b, "intruder", s -> s.phase() == Phase.Running);
    assertTrue(intruder.imageID().endsWith(digest), "B runs A's private image from the node: " + intruder.imageID());
    assertEquals(PullPolicy.IF_NOT_PRESENT, intruder.pullPolicy());
    suite.report("tenant hole: namespace B, no Secret, IfNotPresent (" + intruder.pullPolicySource() + "): "
        + intruder.phase() + " with " + intruder.imageID());
    String ownerPod = client.pods().inNamespace(a).withName("owner").get().getMetadata().getUid();
    String intruderPod = client.pods().inNamespace(b).withName("intruder").get().getMetadata().getUid();

    long restarted = System.nanoTime();
    suite.startOperator("real-node-it-tenant", Map.of("CLAW_OPERATOR_PULL_POLICY_RULES",
        "[{\"name\": \"private-registry\", \"registry\": \"" + Registry.PRIVATE.host()
            + "\", \"credentialsRequired\": true}]"));
    ClawInstanceStatus refused = suite.awaitStatus(b, "intruder", s -> s.pullFailure() != null);
    assertEquals(PullPolicy.ALWAYS, refused.pullPolicy());
    assertEquals(PullPolicySource.RULE, refused.pullPolicySource());
    assertEquals("private-registry", refused.pullPolicyRule());
    assertTrue(refused.message().contains("401 Unauthorized"), refused.message());
    assertEquals(PullFailureCause.UNAUTHORIZED, refused.pullFailure().cause(), refused.toString());
    assertEquals(Registry.PRIVATE.host(), refused.pullFailure().registry(), refused.toString());
    assertTrue(refused.pullFailure().hint().startsWith(Registry.PRIVATE.host() + " wants credentials"),
        refused.pullFailure().hint());
    suite.report("tenant hole closed by a credentialsRequired rule: B " + refused.pullFailure().cause() + " after "
        + RealNodeSuite.millisSince(restarted) + " ms: " + refused.message());

    ClawInstanceStatus stillRunning = suite.awaitStatus(a, "owner", s -> s.phase() == Phase.Running
        && s.pullPolicy() == PullPolicy.ALWAYS);
    assertTrue(stillRunning.imageID().endsWith(digest), stillRunning.imageID());
    assertNotEquals(ownerPod, client.pods().inNamespace(a).withName("owner").get().getMetadata().getUid(),
        "A's Pod is replaced with Always, and pulls with its own Secret");
    assertNotEquals(intruderPod, client.pods().inNamespace(b).withName("intruder").get().getMetadata().getUid());
  }

  private static void assertTheChartsAlertFires(List<String> causes) {
    try (Prometheus prometheus = Prometheus.scraping("127.0.0.1:" + suite.operator().httpPort(),
        java.nio.file.Path.of("helm", "claw-operator", "files", "alerts.yaml"), "5s")) {
      try {
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
            .until(() -> firingCauses(prometheus.alerts()).containsAll(causes));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("the alert did not fire for " + causes + ": " + prometheus.alerts() + "\nquery: "
            + prometheus.query("claw_instances_pull_failing") + "\nlog:\n" + Command.tail(prometheus.log(), 30), e);
      }
      suite.report("Prometheus alerts while failing: " + prometheus.alerts());
    }
  }

  /** The causes of the firing ClawInstancesCannotPullImage alerts in Prometheus' /api/v1/alerts answer. */
  private static Set<String> firingCauses(String alerts) throws java.io.IOException {
    Set<String> causes = new java.util.TreeSet<>();
    for (var alert : new com.fasterxml.jackson.databind.ObjectMapper().readTree(alerts).path("data").path("alerts")) {
      if ("ClawInstancesCannotPullImage".equals(alert.path("labels").path("alertname").asText())
          && "firing".equals(alert.path("state").asText())) {
        causes.add(alert.path("labels").path("cause").asText());
      }
    }
    return causes;
  }

  private static void assertDiagnosis(ClawInstanceStatus status, PullFailureCause cause, String registry,
      String imageOnNode, String hintStart) {
    assertEquals(cause, status.pullFailure().cause(), status.toString());
    assertEquals(registry, status.pullFailure().registry(), status.toString());
    assertEquals(node.nodeName(), status.pullFailure().node(), status.toString());
    assertEquals(imageOnNode, status.pullFailure().imageOnNode(), status.toString());
    assertTrue(status.pullFailure().hint().contains(hintStart), status.pullFailure().hint());
  }

  /** The failure's Warning Event names its cause and hint, once: not once per back-off round. */
  private static void assertOneWarningPerCause(String ns, java.util.Collection<String> names) {
    for (String name : names) {
      List<Event> warnings = client.v1().events().inNamespace(ns).list().getItems().stream()
          .filter(e -> name.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType())
              && e.getMessage().contains("Cause: "))
          .toList();
      assertEquals(1, warnings.size(), name + ": " + warnings.stream().map(Event::getMessage).toList());
    }
  }

  /**
   * An image index on the open registry whose one entry is for linux/arm64 (the node is amd64),
   * made from a pushed image's manifest through the registry's HTTP API; returns its reference.
   */
  private static String armOnlyIndex(String repository, String tag) throws Exception {
    node.pushImage(Registry.OPEN, repository + ":base", "a1");
    var http = java.net.http.HttpClient.newHttpClient();
    String base = "http://" + node.registryAddress(Registry.OPEN) + "/v2/" + repository + "/manifests/";
    var manifest = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "base"))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
        .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, manifest.statusCode(), new String(manifest.body()));
    String mediaType = manifest.headers().firstValue("Content-Type").orElseThrow();
    String digest = "sha256:" + java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(manifest.body()));
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
        + "\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + manifest.body().length
        + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";
    var put = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + tag))
        .header("Content-Type", "application/vnd.oci.image.index.v1+json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(index)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
    return Registry.OPEN.host() + "/" + repository + ":" + tag;
  }

  /** A registry front that answers every request with 429, as Docker Hub does past its pull limit. */
  private static final class TooManyRequests implements AutoCloseable {
    private final com.sun.net.httpserver.HttpServer server;
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    private TooManyRequests(String address) throws java.io.IOException {
      String[] hostPort = address.split(":");
      server = com.sun.net.httpserver.HttpServer.create(
          new java.net.InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 0);
      server.createContext("/", exchange -> {
        requests.incrementAndGet();
        byte[] body = "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"rate limited\"}]}".getBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Retry-After", "60");
        exchange.sendResponseHeaders(429, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
    }

    static TooManyRequests on(String address) throws java.io.IOException {
      return new TooManyRequests(address);
    }

    int requests() {
      return requests.get();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** A kubernetes.io/dockerconfigjson Secret with the private registry's credentials, as kubectl create secret makes. */
  private static Secret pullSecret(String ns, String name) {
    return secret(ns, name, node.registryUser(), node.registryPassword());
  }

  private static Secret secret(String ns, String name, String user, String password) {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    String json = "{\"auths\":{\"" + Registry.PRIVATE.host() + "\":{\"auth\":\"" + auth + "\"}}}";
    return new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(json.getBytes())))
        .build();
  }

  /**
   * Polls the instance and its Pod for {@code period}, checking each status; returns how many
   * separate ErrImagePull rounds the kubelet reported in that time.
   */
  private static int watchFor(Duration period, String ns, String name,
      java.util.function.BiConsumer<ClawInstanceStatus, Pod> check) {
    long end = System.nanoTime() + period.toNanos();
    int rounds = 0;
    String last = null;
    while (System.nanoTime() < end) {
      ClawInstance ci = client.resources(ClawInstance.class).inNamespace(ns).withName(name).get();
      Pod pod = client.pods().inNamespace(ns).withName(name).get();
      check.accept(ci.getStatus(), pod);
      String reason = waitingReason(pod).orElse(null);
      if ("ErrImagePull".equals(reason) && !reason.equals(last)) {
        rounds++;
      }
      last = reason == null ? last : reason;
      sleep(Duration.ofMillis(250));
    }
    return rounds;
  }

  private static Optional<String> waitingReason(Pod pod) {
    return Optional.ofNullable(pod).map(Pod::getStatus).map(s -> s.getContainerStatuses())
        .filter(l -> !l.isEmpty()).map(l -> l.get(0).getState())
        .map(s -> s.getWaiting()).map(w -> w.getReason());
  }

  private static ClawCondition pullCondition(ClawInstanceStatus status) {
    return status.condition(ClawCondition.IMAGE_PULL_FAILED).orElseThrow();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

}
