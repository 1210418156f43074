package io.claw.operator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.claw.operator.api.ImageParts;

/**
 * The probe against a small registry in the test (Basic, Bearer token flow, 429, 404), for the
 * HTTP exchanges the real node's registries cannot stage cheaply; the real ones are in
 * TagResolutionIT.
 */
class OrasManifestProbeTest {

  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final RegistryCredentials ROBOT = new RegistryCredentials("robot", "pw");
  private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("robot:pw".getBytes(StandardCharsets.UTF_8));

  private HttpServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private OrasManifestProbe probe;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String root = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/v2/basic/", exchange -> {
      record(exchange);
      if (!BASIC.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Registry Realm\"");
        respond(exchange, 401);
        return;
      }
      exchange.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
      respond(exchange, 200);
    });
    server.createContext("/v2/bearer/", exchange -> {
      record(exchange);
      if (!"Bearer t0k".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + root
            + "/token\",service=\"registry.example.com\",scope=\"repository:bearer/app:pull\"");
        respond(exchange, 401);
        return;
      }
      exchange.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
      respond(exchange, 200);
    });
    server.createContext("/token", exchange -> {
      record(exchange);
      if (!BASIC.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        respond(exchange, 401);
        return;
      }
      byte[] body = "{\"token\":\"t0k\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.createContext("/v2/busy/", exchange -> {
      record(exchange);
      exchange.getResponseHeaders().add("Retry-After", "30");
      respond(exchange, 429);
    });
    server.createContext("/v2/", exchange -> {
      record(exchange);
      respond(exchange, 404);
    });
    server.start();
    probe = new OrasManifestProbe(Duration.ofSeconds(5), Set.of(), Map.of("registry.example.com", URI.create(root)),
        Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void basicRegistryResolvesWithCredentialsByHeadWithTheIndexTypesAccepted() {
    ProbeAnswer answer = probe.head(image("basic/app:stable"), Optional.of(ROBOT));
    assertEquals(ProbeAnswer.found(DIGEST), answer);
    String request = seen.get(seen.size() - 1);
    assertTrue(request.startsWith("HEAD /v2/basic/app/manifests/stable"), seen.toString());
    assertTrue(request.contains("application/vnd.oci.image.index.v1+json"), request);
    assertTrue(request.contains("application/vnd.docker.distribution.manifest.list.v2+json"), request);
  }

  @Test
  void basicRegistryWithoutCredentialsIsUnauthorized() {
    ProbeAnswer answer = probe.head(image("basic/app:stable"), Optional.empty());
    assertEquals(ProbeAnswer.Cause.UNAUTHORIZED, answer.cause(), answer.toString());
    assertTrue(answer.message().contains("hold none"), answer.message());
  }

  @Test
  void bearerRegistryIsAnsweredThroughTheTokenFlow() {
    ProbeAnswer answer = probe.head(image("bearer/app:stable"), Optional.of(ROBOT));
    assertEquals(ProbeAnswer.found(DIGEST), answer, seen.toString());
    assertTrue(seen.stream().anyMatch(r -> r.startsWith("GET /token")), seen.toString());
  }

  @Test
  void bearerRegistryRefusesWrongCredentials() {
    ProbeAnswer answer = probe.head(image("bearer/app:stable"), Optional.of(new RegistryCredentials("robot", "wrong")));
    assertEquals(ProbeAnswer.Cause.UNAUTHORIZED, answer.cause(), answer + " " + seen);
  }

  @Test
  void throttledWithRetryAfterAndNotFound() {
    assertEquals(ProbeAnswer.failed(ProbeAnswer.Cause.THROTTLED, Duration.ofSeconds(30), "HTTP 429 Too Many Requests"),
        probe.head(image("busy/app:1"), Optional.empty()));
    assertEquals(ProbeAnswer.Cause.NOT_FOUND, probe.head(image("absent/app:1"), Optional.empty()).cause());
  }

  @Test
  void retryAfterAsAnHttpDate() {
    Clock clock = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);
    assertEquals(Optional.of(Duration.ofSeconds(90)), OrasManifestProbe.retryAfter("Wed, 02 Dec 2026 00:01:30 GMT", clock));
    assertEquals(Optional.of(Duration.ZERO), OrasManifestProbe.retryAfter("Tue, 01 Dec 2026 00:00:00 GMT", clock));
    assertEquals(Optional.empty(), OrasManifestProbe.retryAfter("soon", clock));
  }

  @Test
  void nothingListeningOrANameThatDoesNotResolveIsUnreachable() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    OrasManifestProbe nowhere = new OrasManifestProbe(Duration.ofSeconds(5), Set.of("down.example.com"),
        Map.of("down.example.com", URI.create("http://127.0.0.1:" + closed)), Clock.systemUTC());
    ProbeAnswer refused = nowhere.head(ImageParts.of("down.example.com/app:1"), Optional.empty());
    assertEquals(ProbeAnswer.Cause.UNREACHABLE, refused.cause(), refused.toString());
    ProbeAnswer unresolved = nowhere.head(ImageParts.of("no-such-registry.invalid/app:1"), Optional.empty());
    assertEquals(ProbeAnswer.Cause.UNREACHABLE, unresolved.cause(), unresolved.toString());
  }

  @Test
  void dockerHubIsAskedAtItsApiHostAndListedRegistriesOverPlainHttp() {
    OrasManifestProbe plain = new OrasManifestProbe(Duration.ofSeconds(1), Set.of("mirror.local:5000"), Map.of(),
        Clock.systemUTC());
    assertEquals(URI.create("https://registry-1.docker.io"), plain.root("docker.io"));
    assertEquals(URI.create("http://mirror.local:5000"), plain.root("mirror.local:5000"));
    assertEquals(URI.create("https://harbor.example.com"), plain.root("harbor.example.com"));
  }

  private static ImageParts image(String path) {
    return ImageParts.of("registry.example.com/" + path);
  }

  private void record(HttpExchange exchange) {
    seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " Accept: "
        + exchange.getRequestHeaders().getFirst("Accept"));
  }

  private static void respond(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }
}
