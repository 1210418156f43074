package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.TagResolution;
import io.claw.operator.testing.RealNode;
import io.claw.operator.testing.RealNode.Registry;
import io.claw.operator.testing.RealNodeSuite;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Tag resolution on the real node: the packaged operator asks the rig's registries (real
 * docker-registry processes, one behind htpasswd, and a front that answers 429) which digest a
 * tag names, and the kubelet runs the Pods by digest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TagResolutionIT {

  /** Short, so that a move is seen within the test; every wait below is measured against it. */
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private static RealNodeSuite suite;
  private static RealNode node;
  private static KubernetesClient client;

  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE = RealNodeSuite.dumpOnFailure(() -> suite,
      List.of(List.of("get", "claw,pods", "-A", "-o", "yaml"), List.of("get", "events", "-A")),
      RealNodeSuite::operatorTail);

  @BeforeAll
  static void startNode() {
    suite = RealNodeSuite.start("tag-resolution-it", Duration.ofSeconds(120));
    node = suite.node();
    client = suite.client();
    // the operator reaches the made-up registry names where containerd does (hosts.toml)
    String endpoints = Stream.of(Registry.OPEN, Registry.PRIVATE, Registry.AIRGAP, Registry.RATELIMIT)
        .map(r -> r.host() + "=http://" + node.registryAddress(r)).collect(Collectors.joining(","))
        + "," + Registry.TLS.host() + "=https://" + node.registryAddress(Registry.TLS);
    suite.startOperator("tag-resolution-it", Map.of(
        "CLAW_OPERATOR_TAG_RESOLUTION_INTERVAL", INTERVAL.toSeconds() + "s",
        "CLAW_OPERATOR_TAG_RESOLUTION_MAX_BACK_OFF", "2m",
        "CLAW_OPERATOR_TAG_RESOLUTION_ENDPOINTS", endpoints,
        "CLAW_OPERATOR_TAG_RESOLUTION_CA_BUNDLE", node.registryCertificate().toString()));
  }

  @AfterAll
  static void stopNode() {
    if (suite != null) {
      suite.close();
    }
  }

  /**
   * track with IfNotPresent runs v1 by digest; v2 pushed under the same tag reaches the Pod within
   * one interval, as one restart of its container (same Pod), and the node runs v2's digest.
   */
  @Test
  @Order(1)
  void trackMovesThePodToTheTagsNewDigestWithinOneInterval() {
    String v1 = node.pushImage(Registry.OPEN, "tracked:stable", "v1");
    String image = Registry.OPEN.host() + "/tracked:stable";
    String ns = newNamespace(client);
    client.resource(tracking(ns, "tracked", image, TagResolution.TRACK)).create();

    ClawInstanceStatus first = suite.awaitStatus(ns, "tracked", s -> s.phase() == Phase.Running
        && upToDate(s, ClawCondition.TRUE));
    assertEquals(Registry.OPEN.host() + "/tracked@" + v1, first.image(), first.toString());
    assertTrue(first.imageID().endsWith(v1), first.imageID());
    assertEquals(v1, first.resolvedImage().digest());
    assertEquals(image, first.resolvedImage().tag());
    assertEquals(Reasons.TAG_CURRENT, condition(first).reason());
    Pod before = client.pods().inNamespace(ns).withName("tracked").get();
    assertEquals(PullPolicy.IF_NOT_PRESENT.value(), before.getSpec().getContainers().get(0).getImagePullPolicy());

    long pushed = System.nanoTime();
    String v2 = node.pushImage(Registry.OPEN, "tracked:stable", "v2");
    ClawInstanceStatus moved = suite.awaitStatus(ns, "tracked", s -> s.imageID() != null && s.imageID().endsWith(v2)
        && s.phase() == Phase.Running && upToDate(s, ClawCondition.TRUE));
    long tookMs = RealNodeSuite.millisSince(pushed);
    // one interval, its jitter, and the kubelet's restart of the container
    assertTrue(tookMs < INTERVAL.toMillis() * 11 / 10 + 15_000, "v2 ran " + tookMs + " ms after the push");
    assertEquals(v2, moved.resolvedImage().digest());
    Pod after = client.pods().inNamespace(ns).withName("tracked").get();
    assertEquals(before.getMetadata().getUid(), after.getMetadata().getUid(), "the same Pod");
    int restartsBefore = before.getStatus().getContainerStatuses().get(0).getRestartCount();
    assertEquals(restartsBefore + 1, after.getStatus().getContainerStatuses().get(0).getRestartCount(),
        "one graceful restart of the container with the new digest");
    List<Event> moves = events(ns, Reasons.IMAGE_DIGEST_MOVED);
    assertEquals(1, moves.size(), moves.stream().map(Event::getMessage).toList().toString());
    suite.report("track: v2 pushed under " + image + " ran on the node " + tookMs + " ms later (interval "
        + INTERVAL.toSeconds() + " s), same Pod, restartCount " + restartsBefore + " -> "
        + after.getStatus().getContainerStatuses().get(0).getRestartCount());
  }

  /** The registry down: the condition turns Unknown with the cause, and the running Pod is not touched. */
  @Test
  @Order(2)
  void registryDownLeavesTheRunningPodAloneAndSaysUnknown() {
    String digest = node.pushImage(Registry.AIRGAP, "tracked-down:stable", "d1");
    String ns = newNamespace(client);
    client.resource(tracking(ns, "down", Registry.AIRGAP.host() + "/tracked-down:stable", TagResolution.TRACK)).create();
    suite.awaitStatus(ns, "down", s -> s.phase() == Phase.Running && upToDate(s, ClawCondition.TRUE));
    Pod before = client.pods().inNamespace(ns).withName("down").get();

    node.withRegistryDown(Registry.AIRGAP, () -> {
      long stopped = System.nanoTime();
      ClawInstanceStatus unknown = suite.awaitStatus(ns, "down", s -> upToDate(s, ClawCondition.UNKNOWN));
      assertEquals(Reasons.REGISTRY_UNREACHABLE, condition(unknown).reason(), unknown.toString());
      assertTrue(condition(unknown).message().contains("the Pod keeps running " + digest), condition(unknown).message());
      assertEquals(Phase.Running, unknown.phase(), unknown.toString());
      suite.report("track, registry down: ImageUpToDate Unknown (" + condition(unknown).reason() + ") "
          + RealNodeSuite.millisSince(stopped) + " ms after the registry stopped: " + condition(unknown).message());
      // two more intervals without the registry
      suite.slow().pollDelay(INTERVAL.multipliedBy(2)).until(() -> true);
      Pod during = client.pods().inNamespace(ns).withName("down").get();
      assertEquals(before.getMetadata().getUid(), during.getMetadata().getUid());
      assertEquals(before.getSpec().getContainers().get(0).getImage(), during.getSpec().getContainers().get(0).getImage());
      assertEquals(before.getStatus().getContainerStatuses().get(0).getRestartCount(),
          during.getStatus().getContainerStatuses().get(0).getRestartCount());
      assertTrue(RealNodeSuite.isRunning(during));
    });
    ClawInstanceStatus back = suite.awaitStatus(ns, "down", s -> upToDate(s, ClawCondition.TRUE));
    assertEquals(digest, back.resolvedImage().digest());
  }

  /** The private registry resolves with the instance's pull secret, and answers Unauthorized without. */
  @Test
  @Order(3)
  void privateRegistryResolvesWithTheSecretAndIsUnauthorizedWithout() {
    String digest = node.pushImage(Registry.PRIVATE, "team/tracked:1", "p1");
    String image = Registry.PRIVATE.host() + "/team/tracked:1";
    String withSecret = newNamespace(client);
    client.resource(pullSecret(withSecret, "regcred")).create();
    ClawInstance owner = tracking(withSecret, "owner", image, TagResolution.PIN);
    owner.getSpec().setImagePullSecrets(List.of("regcred"));
    client.resource(owner).create();
    ClawInstanceStatus resolved = suite.awaitStatus(withSecret, "owner", s -> s.phase() == Phase.Running);
    assertEquals(digest, resolved.resolvedImage().digest(), resolved.toString());
    assertEquals(Reasons.PINNED, condition(resolved).reason());
    assertTrue(resolved.imageID().endsWith(digest), resolved.imageID());

    String without = newNamespace(client);
    client.resource(tracking(without, "intruder", image, TagResolution.PIN)).create();
    ClawInstanceStatus refused = suite.awaitStatus(without, "intruder", s -> upToDate(s, ClawCondition.UNKNOWN)
        && Reasons.REGISTRY_UNAUTHORIZED.equals(condition(s).reason()));
    assertTrue(condition(refused).message().contains("HTTP 401"), condition(refused).message());
    assertEquals(Phase.Pending, refused.phase());
    assertEquals(Reasons.RESOLVING_TAG, refused.condition(ClawCondition.READY).orElseThrow().reason());
    assertNull(client.pods().inNamespace(without).withName("intruder").get(), "no Pod without a digest");
    suite.report("private registry: pinned with the Secret to " + digest + "; without it " + condition(refused).reason()
        + ": " + condition(refused).message());
  }

  /**
   * A front answering 429 with Retry-After is asked once per Retry-After at most, by five
   * instances tracking one tag together; at the interval, unthrottled, they would ask 25 times.
   */
  @Test
  @Order(4)
  void aFrontAnswering429IsBackedOff() throws IOException {
    Duration retryAfter = Duration.ofSeconds(20);
    Duration watched = Duration.ofSeconds(50);
    try (TooManyRequests front = new TooManyRequests(node.registryAddress(Registry.RATELIMIT), retryAfter)) {
      String ns = newNamespace(client);
      String image = Registry.RATELIMIT.host() + "/busy:stable";
      for (int i = 0; i < 5; i++) {
        client.resource(tracking(ns, "busy-" + i, image, TagResolution.TRACK)).create();
      }
      ClawInstanceStatus throttled = suite.awaitStatus(ns, "busy-4", s -> upToDate(s, ClawCondition.UNKNOWN)
          && Reasons.REGISTRY_THROTTLED.equals(condition(s).reason()));
      long firstSeen = System.nanoTime();
      suite.slow().atMost(watched.plusSeconds(10)).pollDelay(watched).until(() -> true);
      int requests = front.requests();
      // the first request, then one per Retry-After (stretched by up to 10 %)
      long allowed = 1 + watched.toSeconds() / retryAfter.toSeconds() + 1;
      assertTrue(requests >= 2 && requests <= allowed, requests + " requests in " + watched.toSeconds()
          + " s (allowed " + allowed + ")");
      suite.report("429 front, Retry-After " + retryAfter.toSeconds() + " s, 5 instances on one tag, interval "
          + INTERVAL.toSeconds() + " s: " + requests + " requests in " + (RealNodeSuite.millisSince(firstSeen) / 1000)
          + " s; status: " + condition(throttled).message());
    }
  }

  /** A multi-arch index resolves to the index's digest, which the node then pulls and runs. */
  @Test
  @Order(5)
  void aMultiArchIndexResolvesToTheIndexDigest() throws Exception {
    String indexDigest = index("multi", "stable");
    String ns = newNamespace(client);
    client.resource(tracking(ns, "multi", Registry.OPEN.host() + "/multi:stable", TagResolution.TRACK)).create();
    ClawInstanceStatus running = suite.awaitStatus(ns, "multi", s -> s.phase() == Phase.Running
        && upToDate(s, ClawCondition.TRUE));
    assertEquals(indexDigest, running.resolvedImage().digest(), running.toString());
    assertEquals(Registry.OPEN.host() + "/multi@" + indexDigest, running.image());
    assertTrue(running.imageID().endsWith(indexDigest), running.imageID());
    suite.report("multi-arch index: resolved to the index digest " + indexDigest + "; the node runs " + running.imageID());
  }

  /**
   * The operator trusts the TLS registry's self-signed CA from its bundle and resolves there; the
   * node, which does not trust it (by design of the rig), then fails its pull with a TLS error.
   */
  @Test
  @Order(6)
  void aRegistryWithAPrivateCaResolvesThroughTheBundle() {
    String digest = node.pushImage(Registry.TLS, "secure:stable", "s1");
    String ns = newNamespace(client);
    client.resource(tracking(ns, "secure", Registry.TLS.host() + "/secure:stable", TagResolution.TRACK)).create();
    ClawInstanceStatus resolved = suite.awaitStatus(ns, "secure", s -> s.resolvedImage() != null
        && s.pullFailure() != null);
    assertEquals(digest, resolved.resolvedImage().digest(), resolved.toString());
    assertEquals(Registry.TLS.host() + "/secure@" + digest, resolved.image());
    assertEquals(io.claw.operator.api.PullFailureCause.TLS_ERROR, resolved.pullFailure().cause(), resolved.toString());
    suite.report("private CA: the operator resolved " + Registry.TLS.host() + "/secure:stable to " + digest
        + " through its CA bundle; the node, without the CA: " + resolved.pullFailure().cause());
  }

  /**
   * Every panel of the chart's Grafana dashboard, its query run against a real Prometheus that
   * scrapes this operator (after the tests above resolved tags, ran and failed instances): each
   * returns series. Grafana's $__rate_interval becomes 1m.
   */
  @Test
  @Order(99)
  void everyPanelOfTheDashboardReturnsSeriesFromARealPrometheus() throws Exception {
    var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Path.of("helm",
        "claw-operator", "files", "grafana-dashboard.json").toFile());
    try (var prometheus = io.claw.operator.testing.Prometheus.scraping("127.0.0.1:" + suite.operator().httpPort(),
        java.nio.file.Path.of("helm", "claw-operator", "files", "alerts.yaml"), "5s")) {
      List<String> empty = new java.util.ArrayList<>();
      for (var panel : dashboard.path("panels")) {
        String expr = panel.path("targets").path(0).path("expr").asText().replace("$__rate_interval", "1m");
        try {
          org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
              .until(() -> new com.fasterxml.jackson.databind.ObjectMapper().readTree(prometheus.query(expr))
                  .path("data").path("result").size() > 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          empty.add(panel.path("title").asText() + ": " + expr + " -> " + prometheus.query(expr));
        }
      }
      assertEquals(List.of(), empty, "panels whose query returned no series");
      suite.report("Grafana dashboard: all " + dashboard.path("panels").size() + " panels' queries returned series "
          + "from a real Prometheus scraping the operator");
    }
  }

  private static ClawInstance tracking(String ns, String name, String image, TagResolution mode) {
    ClawInstance instance = instance(ns, name, image, PullPolicy.IF_NOT_PRESENT);
    instance.getSpec().setTagResolution(mode);
    return instance;
  }

  private static boolean upToDate(ClawInstanceStatus status, String expected) {
    return status.condition(ClawCondition.IMAGE_UP_TO_DATE).map(c -> expected.equals(c.status())).orElse(false);
  }

  private static ClawCondition condition(ClawInstanceStatus status) {
    return status.condition(ClawCondition.IMAGE_UP_TO_DATE).orElseThrow(() -> new AssertionError(status.toString()));
  }

  private static List<Event> events(String ns, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  private static io.fabric8.kubernetes.api.model.Secret pullSecret(String ns, String name) {
    String auth = Base64.getEncoder().encodeToString((node.registryUser() + ":" + node.registryPassword()).getBytes());
    String json = "{\"auths\":{\"" + Registry.PRIVATE.host() + "\":{\"auth\":\"" + auth + "\"}}}";
    return new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(json.getBytes())))
        .build();
  }

  /**
   * An OCI index on the open registry with one entry, the node's own platform (linux/amd64), made
   * from a pushed image's manifest through the registry's HTTP API; returns the index's digest.
   */
  private static String index(String repository, String tag) throws Exception {
    node.pushImage(Registry.OPEN, repository + ":single", "m1");
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://" + node.registryAddress(Registry.OPEN) + "/v2/" + repository + "/manifests/";
    HttpResponse<byte[]> manifest = http.send(HttpRequest.newBuilder(URI.create(base + "single"))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, manifest.statusCode(), new String(manifest.body()));
    String mediaType = manifest.headers().firstValue("Content-Type").orElseThrow();
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
        + "\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + sha256(manifest.body()) + "\",\"size\":"
        + manifest.body().length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + tag))
        .header("Content-Type", "application/vnd.oci.image.index.v1+json")
        .PUT(HttpRequest.BodyPublishers.ofString(index)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
    return sha256(index.getBytes());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** A registry front that answers every request with 429 and a Retry-After, and counts them. */
  private static final class TooManyRequests implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    TooManyRequests(String address, Duration retryAfter) throws IOException {
      String[] hostPort = address.split(":");
      server = HttpServer.create(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 0);
      server.createContext("/", exchange -> {
        requests.incrementAndGet();
        byte[] body = "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"rate limited\"}]}".getBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Retry-After", String.valueOf(retryAfter.toSeconds()));
        exchange.sendResponseHeaders(429, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
        if (!"HEAD".equals(exchange.getRequestMethod())) {
          exchange.getResponseBody().write(body);
        }
        exchange.close();
      });
      server.start();
    }

    int requests() {
      return requests.get();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
