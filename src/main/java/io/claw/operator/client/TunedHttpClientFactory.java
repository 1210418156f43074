package io.claw.operator.client;

import java.io.Closeable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;

import jakarta.enterprise.inject.spi.CDI;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.TrustOptions;

/**
 * The operator's HTTP client for the API server: fabric8's Vert.x client on Quarkus's Vert.x, as
 * Quarkus's own factory builds it, with the transport of {@link ApiTransport} (OpenSSL and
 * HTTP/2 by default). Found by fabric8 through META-INF/services, above Quarkus's factory.
 * <p>
 * fabric8 hands Vert.x a JDK SSL context built from the kubeconfig's key and trust managers,
 * with ALPN turned off, and offers no hook on the options it builds. So the builder gets a Vert.x
 * whose {@code createHttpClient} takes the options fabric8 built and swaps that SSL context for
 * Vert.x's own engine (OpenSSL or JDK) over the same key and trust managers, which also lets
 * ALPN offer HTTP/2. Everything else fabric8 set (timeouts, proxy, TLS versions) is kept.
 * <p>
 * Outside Quarkus (a plain JVM's client, as the benchmark's) fabric8's own factory is used.
 */
public class TunedHttpClientFactory implements HttpClient.Factory, Closeable {

  private final Vertx vertx;
  private final VertxHttpClientFactory outsideQuarkus;

  public TunedHttpClientFactory() {
    Vertx quarkusVertx;
    try {
      quarkusVertx = CDI.current().select(Vertx.class).get();
    } catch (RuntimeException notInQuarkus) {
      quarkusVertx = null;
    }
    this.vertx = quarkusVertx;
    this.outsideQuarkus = quarkusVertx == null ? new VertxHttpClientFactory() : null;
    if (quarkusVertx != null) {
      ApiTransports.eventLoopsOn(quarkusVertx);
    }
  }

  @Override
  public HttpClient.Builder newBuilder() {
    if (vertx == null) {
      return outsideQuarkus.newBuilder();
    }
    return new TunedBuilder<>(this, vertx, ApiTransports.current());
  }

  /** Above Quarkus's factory (1) and fabric8's (0). */
  @Override
  public int priority() {
    return 2;
  }

  @Override
  public void close() {
    // Quarkus's Vert.x is Quarkus's to close
  }

  /** fabric8's builder over a Vert.x that tunes the options of the HTTP client the builder asks it for. */
  static final class TunedBuilder<F extends HttpClient.Factory> extends VertxHttpClientBuilder<F> {

    private final Vertx plain;
    private final ApiTransport transport;

    TunedBuilder(F factory, Vertx plain, ApiTransport transport) {
      this(factory, plain, transport, new Tuning(plain, transport));
    }

    private TunedBuilder(F factory, Vertx plain, ApiTransport transport, Tuning tuning) {
      super(factory, tuning.vertx());
      this.plain = plain;
      this.transport = transport;
      tuning.builder = this;
    }

    /** Derived clients (fabric8 makes them per request config) keep the tuning. */
    @Override
    protected VertxHttpClientBuilder<F> newInstance(F factory) {
      return new TunedBuilder<>(factory, plain, transport);
    }
  }

  /** Intercepts createHttpClient(HttpClientOptions); every other call goes to Quarkus's Vert.x as it is. */
  static final class Tuning implements InvocationHandler {

    private final Vertx plain;
    private final ApiTransport transport;
    private volatile TunedBuilder<?> builder;

    Tuning(Vertx plain, ApiTransport transport) {
      this.plain = plain;
      this.transport = transport;
    }

    Vertx vertx() {
      return (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {Vertx.class}, this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if ("createHttpClient".equals(method.getName()) && args != null && args.length == 1
          && args[0] instanceof HttpClientOptions options) {
        tune(options, transport, builder.getKeyManagers(), builder.getTrustManagers(), builder.isPreferHttp11());
        // the pool sizes too, which the builder takes apart from the options (its default is 5 connections)
        return plain.httpClientBuilder().with(options).with(options.getPoolOptions())
            .withConnectHandler(connection -> ApiTransports.opened(connection, plain.isNativeTransportEnabled()))
            .build();
      }
      try {
        return method.invoke(plain, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  /**
   * The options fabric8 built, with Vert.x's own TLS engine over fabric8's key and trust managers,
   * and HTTP/2 by ALPN when asked for and fabric8 did not pin HTTP/1.1.
   */
  static HttpClientOptions tune(HttpClientOptions options, ApiTransport transport, KeyManager[] keyManagers,
      TrustManager[] trustManagers, boolean http11Pinned) {
    if (options.isSsl()) {
      options.setSslEngineOptions(transport.tls() == ApiTransport.Tls.OPENSSL
          ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
      if (keyManagers != null && keyManagers.length > 0 && keyManagers[0] instanceof X509KeyManager keyManager) {
        options.setKeyCertOptions(KeyCertOptions.wrap(keyManager));
      }
      if (trustManagers != null && trustManagers.length > 0) {
        options.setTrustOptions(TrustOptions.wrap(trustManagers[0]));
      }
      if (transport.http2() && !http11Pinned) {
        options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true);
      }
    }
    return options;
  }
}
