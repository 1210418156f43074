package io.claw.operator.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.claw.operator.config.ClawOperatorConfig;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.OpenSsl;
import io.smallrye.config.SmallRyeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;

/**
 * The process's one choice of transport, made when the first client is built, and the
 * connections it has opened: by HTTP version, by the TLS implementation each connection's
 * session came from, and by the I/O transport of the Vert.x it was made on (Netty's epoll or Java
 * NIO), which is what a test or a dashboard reads to know what is in use.
 */
public final class ApiTransports {

  /** Netty's native transport on Linux, and the JDK's, as the connections metric names them. */
  public static final String EPOLL = "epoll";
  public static final String NIO = "nio";

  private static final Logger LOG = Logger.getLogger(ApiTransports.class);
  private static final String PREFER_NATIVE = "quarkus.vertx.prefer-native-transport";
  private static final Map<String, AtomicLong> OPENED = new ConcurrentHashMap<>();
  private static ApiTransport chosen;
  private static boolean eventLoopsLogged;

  private ApiTransports() {
  }

  /** From the operator's settings; the first call probes OpenSSL and logs the choice. */
  static synchronized ApiTransport current() {
    if (chosen == null) {
      ClawOperatorConfig.ApiClientSettings config = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
          .getConfigMapping(ClawOperatorConfig.class).apiClient();
      chosen = ApiTransport.choose(config.tls(), config.http2(), probeOpenSsl(), jdkProvider());
      LOG.info(chosen.describe());
    }
    return chosen;
  }

  static ApiTransport.OpenSsl probeOpenSsl() {
    if (OpenSsl.isAvailable()) {
      return new ApiTransport.OpenSsl(true, OpenSsl.versionString(), null);
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    return new ApiTransport.OpenSsl(false, null, cause == null ? "no reason given" : cause.toString());
  }

  private static String jdkProvider() {
    try {
      return SSLContext.getDefault().getProvider().toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      return "no default SSLContext";
    }
  }

  /**
   * Says once which I/O transport the event loops run: epoll where Netty's native library loads
   * (quarkus.vertx.prefer-native-transport), otherwise Java NIO, with the reason it did not load.
   */
  static synchronized void eventLoopsOn(Vertx vertx) {
    if (!eventLoopsLogged) {
      eventLoopsLogged = true;
      boolean preferred = ConfigProvider.getConfig().getOptionalValue(PREFER_NATIVE, Boolean.class).orElse(false);
      boolean nativeTransport = vertx.isNativeTransportEnabled();
      Throwable unavailable = vertx.unavailableNativeTransportCause();
      if (preferred && !nativeTransport && unavailable == null) {
        // Vert.x does not always keep the reason; asked only here, since asking loads the library
        unavailable = Epoll.unavailabilityCause();
      }
      LOG.info(describeEventLoops(nativeTransport, preferred, unavailable));
    }
  }

  static String describeEventLoops(boolean nativeTransport, boolean preferred, Throwable unavailable) {
    if (nativeTransport) {
      return "Event loops on Netty's epoll transport";
    }
    if (!preferred) {
      return "Event loops on Java NIO (" + PREFER_NATIVE + "=false)";
    }
    return "Event loops on Java NIO, since Netty's epoll transport does not load: "
        + (unavailable == null ? "no reason given" : unavailable);
  }

  /**
   * A connection to the API server was opened: counted by its HTTP version, its TLS session's
   * implementation and the transport of the Vert.x it was made on.
   */
  static void opened(HttpConnection connection, boolean nativeTransport) {
    OPENED.computeIfAbsent(key(httpVersionOf(connection).name(), tlsOf(connection.sslSession()), transportOf(nativeTransport)),
        k -> new AtomicLong()).incrementAndGet();
  }

  static String transportOf(boolean nativeTransport) {
    return nativeTransport ? EPOLL : NIO;
  }

  /** Vert.x 4's HttpConnection does not say its version; its HTTP/2 connections are classes of their own. */
  static HttpVersion httpVersionOf(HttpConnection connection) {
    return connection.getClass().getSimpleName().startsWith("Http2") ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1;
  }

  /** netty's OpenSSL engine hands out its own session classes; everything else is the JDK's (or no TLS). */
  static String tlsOf(SSLSession session) {
    if (session == null) {
      return "none";
    }
    return session.getClass().getName().contains("OpenSsl") ? ApiTransport.Tls.OPENSSL.label() : ApiTransport.Tls.JDK.label();
  }

  /**
   * Connections opened so far with this HTTP version ("HTTP_1_1", "HTTP_2"), TLS implementation
   * ("OpenSSL", "JDK", "none") and transport ("epoll", "nio").
   */
  public static long opened(String httpVersion, String tls, String transport) {
    AtomicLong count = OPENED.get(key(httpVersion, tls, transport));
    return count == null ? 0 : count.get();
  }

  private static String key(String httpVersion, String tls, String transport) {
    return httpVersion + "/" + tls + "/" + transport;
  }
}
