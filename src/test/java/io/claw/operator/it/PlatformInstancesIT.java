package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import io.claw.operator.api.AppVolume;
import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.InstanceService;
import io.claw.operator.api.InstanceStorage;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.Labels;
import io.claw.operator.testing.RealNode.Registry;
import io.claw.operator.testing.RealNodeSuite;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * An instance as ClawManager runs one, on the real node: a small HTTP server on port 3001 standing
 * in for the desktop, TCP probes, requests equal to limits with an extended resource the node
 * advertises, env from a Secret, a memory-backed /dev/shm, a container named desktop, a 1Gi claim
 * at /config on a manual class backed by a local volume the test makes, and a Service. Its data
 * outlives an image change, a deleted Pod, stop and start, restart and the instance itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformInstancesIT {

  private static final String CLASS = "manual";
  private static final String GPU = "claw.io/fake-gpu";
  private static final int PORT = 3001;
  /** Each boot appends a line to /config/boots; the greeting from the Secret is written once. */
  private static final String DESKTOP = "[ -f /config/greeting ] || echo \"$GREETING\" > /config/greeting; "
      + "echo \"boot $(cat /claw-version)\" >> /config/boots; trap 'exit 0' TERM; "
      + "/bin/busybox httpd -f -p " + PORT + " -h /config & wait";

  private static RealNodeSuite suite;
  private static KubernetesClient client;
  private static String image1;
  private static String image2;
  private static Path volumes;

  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE = RealNodeSuite.dumpOnFailure(() -> suite,
      List.of(List.of("get", "claw,pods,pvc,pv,svc,endpoints", "-A", "-o", "yaml"), List.of("get", "events", "-A")),
      RealNodeSuite::operatorTail);

  @BeforeAll
  static void startNode() throws IOException {
    suite = RealNodeSuite.start("platform-instances-it", Duration.ofSeconds(120));
    client = suite.client();
    suite.node().pushImage(Registry.OPEN, "desktop:1", "one");
    suite.node().pushImage(Registry.OPEN, "desktop:2", "two");
    image1 = Registry.OPEN.host() + "/desktop:1";
    image2 = Registry.OPEN.host() + "/desktop:2";
    suite.node().localStorageClass(CLASS);
    volumes = Files.createTempDirectory("claw-local-volumes");
    advertise(GPU, "16");
    suite.startOperator("platform-instances-it", Map.of());
  }

  @AfterAll
  static void stopNode() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  @Order(1)
  void aDesktopKeepsItsDataAcrossAnImageChangeADeletedPodStopStartAndRestart() throws Exception {
    String ns = newNamespace(client);
    localVolume("pv-desktop");
    client.resource(new SecretBuilder().withNewMetadata().withNamespace(ns).withName("desk-env").endMetadata()
        .withStringData(Map.of("GREETING", "hello from a Secret")).build()).create();
    client.resource(desktop(ns, "desk", null)).create();

    ClawInstanceStatus running = awaitReady(ns, "desk");
    assertEquals("desk.ns.svc:3001".replace("ns", ns), running.address());
    assertEquals("Bound", running.storage().phase());
    assertEquals("pv-desktop", running.storage().volumeName());
    Pod pod = client.pods().inNamespace(ns).withName("desk").get();
    assertEquals("desktop", pod.getSpec().getContainers().get(0).getName());
    assertEquals(new Quantity("1"), pod.getSpec().getContainers().get(0).getResources().getLimits().get(GPU));
    // kube-proxy programs the Service's rules shortly after the endpoints appear
    assertEquals("hello from a Secret\n", suite.slow().until(() -> fetchOrEmpty(ns, "desk", "/greeting"), s -> !s.isEmpty()),
        "envFrom the Secret, served through the Service");
    assertEquals(List.of("boot one"), boots(ns));
    assertEndpointsListThePod(ns, "desk");
    show(ns, "created");

    editSpec(client, ns, "desk", spec -> spec.setImage(image2));
    awaitBoots(ns, List.of("boot one", "boot two"));
    suite.report("image change: the same claim, the new image's boot appended");

    String uid = client.pods().inNamespace(ns).withName("desk").get().getMetadata().getUid();
    client.pods().inNamespace(ns).withName("desk").delete();
    suite.slow().until(() -> client.pods().inNamespace(ns).withName("desk").get(),
        p -> p != null && !uid.equals(p.getMetadata().getUid()) && RealNodeSuite.isRunning(p));
    awaitBoots(ns, List.of("boot one", "boot two", "boot two"));

    editSpec(client, ns, "desk", spec -> spec.setStopped(true));
    ClawInstanceStatus stopped = suite.awaitStatus(ns, "desk", s -> s.phase() == Phase.Stopped);
    assertNull(client.pods().inNamespace(ns).withName("desk").get(), "stopped: no Pod");
    assertEquals("Bound", client.persistentVolumeClaims().inNamespace(ns).withName("desk-storage").get().getStatus().getPhase());
    assertEquals("Bound", client.persistentVolumes().withName("pv-desktop").get().getStatus().getPhase());
    assertNotNull(client.services().inNamespace(ns).withName("desk").get(), "the Service stays");
    assertEquals(Reasons.STOPPED, readyReason(stopped));
    suite.report("stopped: " + stopped.message());
    show(ns, "stopped");

    long starting = System.nanoTime();
    editSpec(client, ns, "desk", spec -> spec.setStopped(false));
    suite.awaitStatus(ns, "desk", s -> s.phase() == Phase.Running);
    long toRunning = RealNodeSuite.millisSince(starting);
    var waited = suite.node().cluster().kubectl(null, "wait", "--for=condition=Ready", "claw/desk", "-n", ns,
        "--timeout=60s");
    long toReady = RealNodeSuite.millisSince(starting);
    assertEquals(0, waited.exitCode(), waited.output());
    suite.report("start: Running " + toRunning + " ms, Ready " + toReady + " ms after spec.stopped went false (image cached)");
    assertTrue(toRunning < 5000, "start took " + toRunning + " ms to Running");
    awaitBoots(ns, List.of("boot one", "boot two", "boot two", "boot two"));
    show(ns, "started");

    String before = client.pods().inNamespace(ns).withName("desk").get().getMetadata().getUid();
    client.resources(ClawInstance.class).inNamespace(ns).withName("desk")
        .edit(i -> {
          i.getMetadata().getAnnotations().put(Labels.RESTARTED_AT, "2026-12-05T06:00:00Z");
          return i;
        });
    Pod restarted = suite.slow().until(() -> client.pods().inNamespace(ns).withName("desk").get(),
        p -> p != null && !before.equals(p.getMetadata().getUid()) && RealNodeSuite.isRunning(p));
    awaitBoots(ns, List.of("boot one", "boot two", "boot two", "boot two", "boot two"));
    Thread.sleep(3000);
    assertEquals(restarted.getMetadata().getUid(), client.pods().inNamespace(ns).withName("desk").get().getMetadata().getUid(),
        "restart replaces the Pod once");
    show(ns, "restarted");
  }

  @Test
  @Order(2)
  void deleteKeepsTheClaimForANewInstanceOfTheNameAndDeleteChosenTakesItAlong() {
    String ns = newNamespace(client);
    localVolume("pv-kept");
    client.resource(desktop(ns, "kept", null)).create();
    awaitReady(ns, "kept");
    client.resources(ClawInstance.class).inNamespace(ns).withName("kept").delete();
    suite.slow().until(() -> client.pods().inNamespace(ns).withName("kept").get() == null
        && client.resources(ClawInstance.class).inNamespace(ns).withName("kept").get() == null);
    PersistentVolumeClaim kept = client.persistentVolumeClaims().inNamespace(ns).withName("kept-storage").get();
    assertNotNull(kept, "the default keeps the claim");
    assertNull(kept.getMetadata().getDeletionTimestamp());

    client.resource(desktop(ns, "kept", null)).create();
    awaitReady(ns, "kept");
    assertEquals("boot one\nboot one\n", suite.slow().until(() -> fetchOrEmpty(ns, "kept", "/boots"), s -> !s.isEmpty()),
        "the new instance reads the old one's data");
    assertEquals(kept.getMetadata().getUid(),
        client.persistentVolumeClaims().inNamespace(ns).withName("kept-storage").get().getMetadata().getUid());

    localVolume("pv-deleted");
    client.resource(desktop(ns, "scratch", InstanceStorage.ClaimRetention.Delete)).create();
    awaitReady(ns, "scratch");
    client.resources(ClawInstance.class).inNamespace(ns).withName("scratch").delete();
    suite.slow().until(() -> client.persistentVolumeClaims().inNamespace(ns).withName("scratch-storage").get() == null);
    suite.report("whenDeleted Delete: the claim went with the instance (garbage collector)");
  }

  @Test
  @Order(3)
  void aClaimThatCannotBindSaysWhyAndAShrinkIsRefusedWithNothingChanged() {
    String ns = newNamespace(client);
    ClawInstance noClass = desktop(ns, "no-class", null);
    noClass.getSpec().getStorage().setStorageClassName("no-such-class");
    client.resource(noClass).create();
    ClawInstanceStatus unbound = suite.awaitStatus(ns, "no-class",
        s -> s.condition(ClawCondition.STORAGE_READY).map(c -> Reasons.STORAGE_CLASS_NOT_FOUND.equals(c.reason()))
            .orElse(false));
    assertEquals(Phase.Pending, unbound.phase());
    assertEquals(Reasons.STORAGE_CLASS_NOT_FOUND, readyReason(unbound), unbound.message());
    suite.report("unbound claim: " + unbound.message());

    localVolume("pv-shrink");
    client.resource(desktop(ns, "shrink", null)).create();
    awaitReady(ns, "shrink");
    String pod = client.pods().inNamespace(ns).withName("shrink").get().getMetadata().getUid();
    editSpec(client, ns, "shrink", spec -> spec.getStorage().setSize(new Quantity("512Mi")));
    ClawInstanceStatus refused = suite.awaitStatus(ns, "shrink",
        s -> s.condition(ClawCondition.STORAGE_READY).map(c -> Reasons.STORAGE_CHANGE_REFUSED.equals(c.reason()))
            .orElse(false));
    assertTrue(refused.condition(ClawCondition.STORAGE_READY).orElseThrow().message()
        .startsWith("spec.storage.size 512Mi is smaller than claim shrink-storage's 1Gi"), refused.toString());
    assertEquals(new Quantity("1Gi"), client.persistentVolumeClaims().inNamespace(ns).withName("shrink-storage").get()
        .getSpec().getResources().getRequests().get("storage"));
    assertEquals(pod, client.pods().inNamespace(ns).withName("shrink").get().getMetadata().getUid(), "the Pod runs on");
    assertEquals(Phase.Running, refused.phase());

    // the manual class has no provisioner: growing is refused by the API server, and said
    editSpec(client, ns, "shrink", spec -> spec.getStorage().setSize(new Quantity("2Gi")));
    ClawInstanceStatus notGrown = suite.awaitStatus(ns, "shrink",
        s -> s.condition(ClawCondition.STORAGE_READY).map(c -> Reasons.EXPANSION_REFUSED.equals(c.reason()))
            .orElse(false));
    suite.report("grow on a class without expansion: " + notGrown.condition(ClawCondition.STORAGE_READY).orElseThrow().message());
    show(ns, "a claim that cannot bind, a shrink refused, a growth the class cannot take");

    // stop while the image does not pull: the Pod, in which nothing ever ran, goes at once
    ClawInstance pulling = instance(ns, "pulling", Registry.OPEN.host() + "/desktop:no-such-tag", PullPolicy.IF_NOT_PRESENT);
    client.resource(pulling).create();
    suite.awaitStatus(ns, "pulling", s -> s.phase() == Phase.ImagePullFailed);
    long stopping = System.nanoTime();
    editSpec(client, ns, "pulling", spec -> spec.setStopped(true));
    suite.awaitStatus(ns, "pulling", s -> s.phase() == Phase.Stopped);
    suite.report("stop while the image does not pull: Stopped after " + RealNodeSuite.millisSince(stopping) + " ms");
    assertNull(client.pods().inNamespace(ns).withName("pulling").get());
  }

  /** What kubectl get claw says at a step of the workflow, for docs/clawinstance.md. */
  private static void show(String ns, String step) {
    suite.report(step + ":\n" + suite.node().cluster().kubectl(null, "get", "claw", "-n", ns).output()
        + suite.node().cluster().kubectl(null, "get", "claw", "-n", ns, "-o",
            "custom-columns=NAME:.metadata.name,STORAGE:.status.conditions[?(@.type==\"StorageReady\")].reason,"
                + "CLAIM:.status.storage.phase").output());
  }

  private static ClawInstance desktop(String ns, String name, InstanceStorage.ClaimRetention whenDeleted) {
    ClawInstance desk = instance(ns, name, image1, PullPolicy.IF_NOT_PRESENT);
    desk.getSpec().setContainerName("desktop");
    desk.getSpec().setCommand(List.of("sh", "-c", DESKTOP));
    desk.getSpec().setPort(PORT);
    desk.getSpec().setService(new InstanceService());
    desk.getSpec().setEnvFrom(List.of(new EnvFromSourceBuilder().withNewSecretRef().withName("desk-env")
        .withOptional(true).endSecretRef().build()));
    var limits = Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi"), GPU, new Quantity("1"));
    desk.getSpec().setResources(new ResourceRequirementsBuilder().withRequests(limits).withLimits(limits).build());
    desk.getSpec().setReadinessProbe(new ProbeBuilder().withNewTcpSocket().withNewPort(PORT).endTcpSocket()
        .withPeriodSeconds(1).build());
    desk.getSpec().setLivenessProbe(new ProbeBuilder().withNewTcpSocket().withNewPort(PORT).endTcpSocket()
        .withPeriodSeconds(5).build());
    desk.getSpec().setTerminationGracePeriodSeconds(5L);
    AppVolume shm = new AppVolume();
    shm.setName("dshm");
    shm.setEmptyDir(new EmptyDirVolumeSource("Memory", new Quantity("64Mi")));
    desk.getSpec().setVolumes(List.of(shm));
    desk.getSpec().setVolumeMounts(List.of(new VolumeMountBuilder().withName("dshm").withMountPath("/dev/shm").build()));
    InstanceStorage storage = new InstanceStorage();
    storage.setSize(new Quantity("1Gi"));
    storage.setStorageClassName(CLASS);
    storage.setMountPath("/config");
    storage.setWhenDeleted(whenDeleted);
    desk.getSpec().setStorage(storage);
    return desk;
  }

  /** A local PersistentVolume of the manual class on the node. */
  private static void localVolume(String name) {
    suite.node().localVolume(name, CLASS, volumes.resolve(name));
  }

  /** The node advertises an extended resource, as a device plugin or an administrator would. */
  private static void advertise(String resource, String amount) {
    // the kubelet writes the Node's status too: read and write again on a conflict
    io.claw.operator.testing.Fixtures.retryOnConflict(() -> client.nodes().withName(suite.node().nodeName())
        .editStatus(node -> {
          node.getStatus().getCapacity().put(resource, new Quantity(amount));
          node.getStatus().getAllocatable().put(resource, new Quantity(amount));
          return node;
        }));
  }

  private static ClawInstanceStatus awaitReady(String ns, String name) {
    return suite.awaitStatus(ns, name, s -> s.condition(ClawCondition.READY).map(ClawCondition::isTrue).orElse(false));
  }

  private static String readyReason(ClawInstanceStatus status) {
    return status.condition(ClawCondition.READY).map(ClawCondition::reason).orElse("");
  }

  private static List<String> boots(String ns) {
    return fetch(ns, "desk", "/boots").lines().toList();
  }

  private static void awaitBoots(String ns, List<String> expected) {
    suite.slow().until(() -> {
      try {
        return boots(ns);
      } catch (RuntimeException notYet) {
        return List.of();
      }
    }, expected::equals);
  }

  /** A file of /config, through the Service's cluster IP from the node (kube-proxy routes it to the Pod). */
  private static String fetch(String ns, String service, String path) {
    Service svc = client.services().inNamespace(ns).withName(service).get();
    URI uri = URI.create("http://" + svc.getSpec().getClusterIP() + ":" + PORT + path);
    try {
      HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
          .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(uri + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String fetchOrEmpty(String ns, String service, String path) {
    try {
      return fetch(ns, service, path);
    } catch (RuntimeException notYet) {
      return "";
    }
  }

  private static void assertEndpointsListThePod(String ns, String name) {
    String podIp = client.pods().inNamespace(ns).withName(name).get().getStatus().getPodIP();
    Endpoints endpoints = suite.slow().until(() -> client.endpoints().inNamespace(ns).withName(name).get(),
        e -> e != null && e.getSubsets() != null && !e.getSubsets().isEmpty());
    assertEquals(podIp, endpoints.getSubsets().get(0).getAddresses().get(0).getIp());
    assertNotEquals(null, podIp);
    assertFalse(endpoints.getSubsets().get(0).getPorts().isEmpty());
  }
}
