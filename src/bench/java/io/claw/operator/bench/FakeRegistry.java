package io.claw.operator.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

/**
 * A registry that knows one tag and says which digest it names: what the tracking step needs to
 * count the operator's requests. No kubelet pulls in the benchmark, so no blobs.
 */
final class FakeRegistry implements AutoCloseable {

  static final String HOST = "bench.registry.local";
  static final String IMAGE = HOST + "/bench/app:stable";

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicReference<String> digest = new AtomicReference<>("sha256:" + "1".repeat(64));

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v2/bench/app/manifests/stable", exchange -> {
      requests.incrementAndGet();
      exchange.getResponseHeaders().add("Docker-Content-Digest", digest.get());
      exchange.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.index.v1+json");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  /** The operator's setting that sends it here for {@link #HOST}. */
  String endpoint() {
    return HOST + "=http://127.0.0.1:" + server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  String digest() {
    return digest.get();
  }

  void move(String to) {
    digest.set(to);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
