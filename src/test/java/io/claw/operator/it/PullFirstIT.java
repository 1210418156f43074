package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import com.sun.net.httpserver.HttpServer;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.TagResolution;
import io.claw.operator.pod.PullerPod;
import io.claw.operator.testing.RealNode;
import io.claw.operator.testing.RealNode.Registry;
import io.claw.operator.testing.RealNodeSuite;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Image changes of running instances on the real node, with pull first on (the operator's
 * pull-ahead tool image pushed to the open registry): a new image is pulled onto the node by a
 * puller before the container moves to it, so an image that cannot be pulled or run there never
 * takes the running app down, and a slow pull costs only the container's stop and start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PullFirstIT {

  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final String TOOL = Registry.OPEN.host() + "/claw/pull-tool:1";
  private static final Duration BLOB_DELAY = Duration.ofSeconds(20);

  private static RealNodeSuite suite;
  private static RealNode node;
  private static KubernetesClient client;
  private static String app1;
  private static String app2;

  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE = RealNodeSuite.dumpOnFailure(() -> suite,
      List.of(List.of("get", "claw,pods", "-A", "-o", "wide"), List.of("get", "claw", "-A", "-o", "yaml"),
          List.of("get", "events", "-A")),
      RealNodeSuite::operatorTail);

  @BeforeAll
  static void startNode() {
    suite = RealNodeSuite.start("pull-first-it", Duration.ofSeconds(120));
    node = suite.node();
    client = suite.client();
    app1 = node.pushImage(Registry.OPEN, "app:1", "one");
    app2 = node.pushImage(Registry.OPEN, "app:2", "two");
    node.pushToolImage(Registry.OPEN, "claw/pull-tool:1");
    suite.startOperator("pull-first-it", Map.of(
        "CLAW_OPERATOR_PULL_AHEAD_TOOL_IMAGE", TOOL,
        "CLAW_OPERATOR_TAG_RESOLUTION_INTERVAL", INTERVAL.toSeconds() + "s",
        "CLAW_OPERATOR_TAG_RESOLUTION_ENDPOINTS", Registry.OPEN.host() + "=http://" + node.registryAddress(Registry.OPEN)));
  }

  @AfterAll
  static void stopNode() {
    if (suite != null) {
      suite.close();
    }
  }

  /**
   * track: the tag moves to an index with an arm64 image only. The puller cannot pull it on this
   * amd64 node; the container keeps running the old digest, and the status says PlatformMismatch
   * the whole time. The tag moved back to a build for this node rolls out.
   */
  @Test
  @Order(1)
  void aTrackedTagMovedToAnotherPlatformsImageLeavesTheContainerRunningTheOldDigest() {
    String v1 = node.pushImage(Registry.OPEN, "tracked:stable", "v1");
    String ns = newNamespace(client);
    ClawInstance tracked = instance(ns, "tracked", Registry.OPEN.host() + "/tracked:stable", PullPolicy.IF_NOT_PRESENT);
    tracked.getSpec().setTagResolution(TagResolution.TRACK);
    client.resource(tracked).create();
    suite.awaitStatus(ns, "tracked", s -> s.phase() == Phase.Running && s.imageID() != null && s.imageID().endsWith(v1));
    Pod before = client.pods().inNamespace(ns).withName("tracked").get();

    node.pushForeignImage(Registry.OPEN, "tracked:stable", "arm64");
    ClawInstanceStatus failing = suite.awaitStatus(ns, "tracked", s -> s.pullFailure() != null);
    assertEquals(PullFailureCause.PLATFORM_MISMATCH, failing.pullFailure().cause(), failing.toString());
    assertRunsTheOldImage(ns, "tracked", before, failing, Reasons.PULL_AHEAD_FAILED);
    stillRunningAndNamed(ns, "tracked", before, PullFailureCause.PLATFORM_MISMATCH, Duration.ofSeconds(15));

    String v3 = node.pushImage(Registry.OPEN, "tracked:stable", "v3");
    ClawInstanceStatus moved = suite.awaitStatus(ns, "tracked", s -> s.phase() == Phase.Running
        && s.imageID() != null && s.imageID().endsWith(v3) && s.pullFailure() == null);
    assertTrue(moved.condition(ClawCondition.IMAGE_ROLLED_OUT).isEmpty(), moved.toString());
    awaitNoPullers(ns);
  }

  /** An edit to a tag that does not exist leaves the container running; fixing the edit rolls out. */
  @Test
  @Order(2)
  void anEditToATagThatDoesNotExistLeavesTheContainerRunningAndTheFixRollsOut() {
    String ns = newNamespace(client);
    client.resource(instance(ns, "web", Registry.OPEN.host() + "/app:1", PullPolicy.IF_NOT_PRESENT)).create();
    suite.awaitStatus(ns, "web", s -> s.phase() == Phase.Running && s.imageID() != null && s.imageID().endsWith(app1));
    Pod before = client.pods().inNamespace(ns).withName("web").get();

    editSpec(client, ns, "web", spec -> spec.setImage(Registry.OPEN.host() + "/app:no-such-tag"));
    ClawInstanceStatus failing = suite.awaitStatus(ns, "web", s -> s.pullFailure() != null);
    assertEquals(PullFailureCause.NOT_FOUND, failing.pullFailure().cause(), failing.toString());
    assertRunsTheOldImage(ns, "web", before, failing, Reasons.PULL_AHEAD_FAILED);
    stillRunningAndNamed(ns, "web", before, PullFailureCause.NOT_FOUND, Duration.ofSeconds(15));
    List<Event> warnings = client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "ClawInstance".equals(e.getInvolvedObject().getKind()) && "Warning".equals(e.getType())).toList();
    assertEquals(1, warnings.size(), "one Event for the failure: " + warnings.stream().map(Event::getMessage).toList());

    editSpec(client, ns, "web", spec -> spec.setImage(Registry.OPEN.host() + "/app:2"));
    ClawInstanceStatus fixed = suite.awaitStatus(ns, "web", s -> s.phase() == Phase.Running && s.imageID() != null
        && s.imageID().endsWith(app2) && s.pullFailure() == null);
    assertTrue(fixed.condition(ClawCondition.IMAGE_ROLLED_OUT).isEmpty(), fixed.toString());
    assertEquals(before.getMetadata().getUid(), client.pods().inNamespace(ns).withName("web").get().getMetadata()
        .getUid(), "the same Pod");
    awaitNoPullers(ns);
  }

  /**
   * Behind a registry front that delays every blob by 20 s, the app stays up while the puller pulls;
   * from the old container's end to the new one's start is the container's stop and start.
   */
  @Test
  @Order(3)
  void aSlowPullKeepsTheAppUpAndTheSwitchIsTheContainersStopAndStart() throws IOException {
    String slow = node.pushImage(Registry.OPEN, "slow:1", "slow");
    String ns = newNamespace(client);
    client.resource(instance(ns, "desk", Registry.OPEN.host() + "/app:1", PullPolicy.IF_NOT_PRESENT)).create();
    suite.awaitStatus(ns, "desk", s -> s.phase() == Phase.Running && s.imageID() != null && s.imageID().endsWith(app1));
    Pod before = client.pods().inNamespace(ns).withName("desk").get();
    int restarts = app(before).getRestartCount();

    try (SlowBlobs front = new SlowBlobs(node.registryAddress(Registry.RATELIMIT),
        node.registryAddress(Registry.OPEN), BLOB_DELAY)) {
      long edited = System.nanoTime();
      editSpec(client, ns, "desk", spec -> spec.setImage(Registry.RATELIMIT.host() + "/slow:1"));
      // poll: until the switch, the old container runs, not restarted
      long lastSeenOld = edited;
      Pod now;
      while (true) {
        now = client.pods().inNamespace(ns).withName("desk").get();
        ContainerStatus app = app(now);
        if (app.getRestartCount() > restarts) {
          break;
        }
        assertNotNull(app.getState().getRunning(), "the old container runs until the switch: " + app);
        lastSeenOld = System.nanoTime();
        assertTrue(RealNodeSuite.millisSince(edited) < 180_000, "no switch within 3 minutes");
        sleep(200);
      }
      long pullMs = (lastSeenOld - edited) / 1_000_000;
      ClawInstanceStatus moved = suite.awaitStatus(ns, "desk", s -> s.phase() == Phase.Running
          && s.imageID() != null && s.imageID().endsWith(slow));
      Pod after = client.pods().inNamespace(ns).withName("desk").get();
      ContainerStatus app = app(after);
      Instant stopped = Instant.parse(app.getLastState().getTerminated().getFinishedAt());
      Instant started = Instant.parse(app.getState().getRunning().getStartedAt());
      long outageS = Duration.between(stopped, started).toSeconds();
      assertTrue(front.delayedBlobs() >= 1, "the front delayed the image's blobs");
      assertTrue(pullMs >= BLOB_DELAY.toMillis(), "the old container ran while the pull took " + pullMs + " ms");
      assertTrue(outageS < 5, "old container ended " + stopped + ", new one started " + started);
      assertEquals(before.getMetadata().getUid(), after.getMetadata().getUid(), "the same Pod");
      suite.report("pull first behind a front that delays each blob " + BLOB_DELAY.toSeconds() + " s: the old "
          + "container ran " + pullMs + " ms after the edit; old container ended " + stopped + ", new one started "
          + started + " (" + outageS + " s, the kubelet's timestamps are whole seconds); " + front.delayedBlobs()
          + " blob(s) delayed; status " + moved.phase());
    }
    awaitNoPullers(ns);
  }

  /**
   * 50 instances of one namespace on the node moving to one new image cause one puller and one pull;
   * moving them back to an image the node lists causes none.
   */
  @Test
  @Order(4)
  void fiftyInstancesMovingToOneImageCauseOnePullAndNoneForAnImageTheNodeLists() {
    int n = 50;
    String fifty = node.pushImage(Registry.OPEN, "fifty:1", "fifty");
    String ns = newNamespace(client);
    List<String> names = IntStream.range(0, n).mapToObj(i -> "i" + i).toList();
    names.forEach(name -> client.resource(instance(ns, name, Registry.OPEN.host() + "/app:1",
        PullPolicy.IF_NOT_PRESENT)).create());
    long started = System.nanoTime();
    names.forEach(name -> suite.awaitStatus(ns, name, s -> s.phase() == Phase.Running));
    suite.report("pull first: " + n + " instances Running on the node " + RealNodeSuite.millisSince(started) + " ms "
        + "after creation");

    Set<String> pullers = ConcurrentHashMap.newKeySet();
    try (Watch watch = client.pods().inNamespace(ns).withLabel(PullerPod.LABEL, "true").watch(new Watcher<Pod>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        pullers.add(pod.getMetadata().getUid());
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      long edited = System.nanoTime();
      names.forEach(name -> editSpec(client, ns, name, spec -> spec.setImage(Registry.OPEN.host() + "/fifty:1")));
      names.forEach(name -> suite.awaitStatus(ns, name, s -> s.phase() == Phase.Running && s.imageID() != null
          && s.imageID().endsWith(fifty)));
      long movedMs = RealNodeSuite.millisSince(edited);
      // The kubelet writes its Events in order but at its own pace (eventRecordQPS, 5 a second by
      // default), still behind those of the 50 creations when the last status moves. An instance's
      // Pod reports its Pulled event only after its own Pulling, if it pulled: once every moved Pod's
      // Pulled event for the image is written, every pull of the move has been counted.
      long pullsWrittenAtTheMove = pullingEvents(ns, "fifty:1");
      long moved = System.nanoTime();
      suite.slow().until(() -> podsWithAPulledEvent(ns, "fifty:1").containsAll(names));
      long eventsLagMs = RealNodeSuite.millisSince(moved);
      long pulls = pullingEvents(ns, "fifty:1");
      assertEquals(1, pullers.size(), "pullers: " + pullers);
      assertEquals(1, pulls, "kubelet Pulling events for fifty:1");
      awaitNoPullers(ns);

      pullers.clear();
      long back = System.nanoTime();
      names.forEach(name -> editSpec(client, ns, name, spec -> spec.setImage(Registry.OPEN.host() + "/app:1")));
      names.forEach(name -> suite.awaitStatus(ns, name, s -> s.phase() == Phase.Running && s.imageID() != null
          && s.imageID().endsWith(app1)));
      long backMs = RealNodeSuite.millisSince(back);
      assertEquals(0, pullers.size(), "no puller for an image the node lists: " + pullers);
      suite.report("pull first: " + n + " instances moved to a new image in " + movedMs + " ms with 1 puller and "
          + pulls + " pull (" + pullsWrittenAtTheMove + " of its Pulling events written when the last status moved, "
          + "all the move's Pulled events " + eventsLagMs + " ms later); back to an image the node lists in " + backMs
          + " ms with 0 pullers");
    }
  }

  private static void assertRunsTheOldImage(String ns, String name, Pod before, ClawInstanceStatus status,
      String rolloutReason) {
    assertEquals(Phase.Running, status.phase(), status.toString());
    assertEquals(ClawCondition.TRUE, status.condition(ClawCondition.READY).orElseThrow().status(), status.toString());
    ClawCondition rolledOut = status.condition(ClawCondition.IMAGE_ROLLED_OUT).orElseThrow();
    assertEquals(ClawCondition.FALSE + "/" + rolloutReason, rolledOut.status() + "/" + rolledOut.reason());
    Pod now = client.pods().inNamespace(ns).withName(name).get();
    assertEquals(before.getMetadata().getUid(), now.getMetadata().getUid(), "the same Pod");
    assertEquals(before.getSpec().getContainers().get(0).getImage(), now.getSpec().getContainers().get(0).getImage());
    assertEquals(app(before).getImageID(), app(now).getImageID());
    assertEquals(app(before).getRestartCount(), app(now).getRestartCount());
    assertNotNull(app(now).getState().getRunning(), app(now).toString());
  }

  /** For {@code period}: every status names the cause and Running, and the container runs on, never restarted. */
  private static void stillRunningAndNamed(String ns, String name, Pod before, PullFailureCause cause, Duration period) {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      ClawInstanceStatus status = client.resources(ClawInstance.class).inNamespace(ns).withName(name).get().getStatus();
      assertEquals(Phase.Running, status.phase(), status.toString());
      assertNotNull(status.pullFailure(), status.toString());
      assertEquals(cause, status.pullFailure().cause(), status.toString());
      Pod now = client.pods().inNamespace(ns).withName(name).get();
      assertEquals(app(before).getRestartCount(), app(now).getRestartCount(), app(now).toString());
      assertNotNull(app(now).getState().getRunning(), app(now).toString());
      sleep(500);
    }
  }

  private static void awaitNoPullers(String ns) {
    suite.slow().until(() -> client.pods().inNamespace(ns).withLabel(PullerPod.LABEL, "true").list().getItems()
        .isEmpty());
  }

  /** The names of the Pods the kubelet has written a Pulled event for {@code image} for. */
  private static Set<String> podsWithAPulledEvent(String ns, String image) {
    return kubeletEvents(ns, "Pulled", image).stream().map(e -> e.getInvolvedObject().getName())
        .collect(Collectors.toSet());
  }

  private static long pullingEvents(String ns, String image) {
    return kubeletEvents(ns, "Pulling", image).stream().mapToLong(e -> e.getCount() == null ? 1 : e.getCount()).sum();
  }

  /** The namespace's Events with {@code reason} whose message names {@code image}. */
  private static List<Event> kubeletEvents(String ns, String reason, String image) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && e.getMessage() != null && e.getMessage().contains(image))
        .toList();
  }

  private static ContainerStatus app(Pod pod) {
    return pod.getStatus().getContainerStatuses().stream().filter(c -> "claw".equals(c.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no app container status: " + pod.getStatus()));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A registry front on the rig's spare registry port: it passes every request to the open registry
   * and holds each blob's answer back for {@code delay}, as a registry far away or overloaded does.
   */
  private static final class SlowBlobs implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger delayed = new AtomicInteger();

    SlowBlobs(String address, String upstream, Duration delay) throws IOException {
      String[] hostPort = address.split(":");
      server = HttpServer.create(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 0);
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.createContext("/", exchange -> {
        try (exchange) {
          String path = exchange.getRequestURI().toString();
          HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + upstream + path))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
          String accept = exchange.getRequestHeaders().getFirst("Accept");
          if (accept != null) {
            request.header("Accept", accept);
          }
          HttpResponse<InputStream> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
          if (path.contains("/blobs/") && "GET".equals(exchange.getRequestMethod())) {
            delayed.incrementAndGet();
            sleep(delay.toMillis());
          }
          for (String header : List.of("Content-Type", "Docker-Content-Digest", "Docker-Distribution-Api-Version",
              "Content-Length")) {
            answer.headers().firstValue(header).ifPresent(v -> exchange.getResponseHeaders().add(header, v));
          }
          long length = answer.headers().firstValueAsLong("Content-Length").orElse(0);
          boolean head = "HEAD".equals(exchange.getRequestMethod());
          exchange.sendResponseHeaders(answer.statusCode(), head || length == 0 ? -1 : length);
          try (InputStream body = answer.body()) {
            if (!head) {
              body.transferTo(exchange.getResponseBody());
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      server.start();
    }

    int delayedBlobs() {
      return delayed.get();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
