package io.claw.operator.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.claw.operator.config.ClawOperatorConfig;
import io.netty.handler.ssl.OpenSsl;
import io.smallrye.config.SmallRyeConfig;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;

/**
 * The process's one choice of transport, made when the first client is built, and the
 * connections it has opened: by HTTP version and by the TLS implementation each connection's
 * session came from, which is what a test or a dashboard reads to know what is in use.
 */
public final class ApiTransports {

  private static final Logger LOG = Logger.getLogger(ApiTransports.class);
  private static final Map<String, AtomicLong> OPENED = new ConcurrentHashMap<>();
  private static ApiTransport chosen;

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

  /** A connection to the API server was opened: counted by its HTTP version and its TLS session's implementation. */
  static void opened(HttpConnection connection) {
    OPENED.computeIfAbsent(key(httpVersionOf(connection).name(), tlsOf(connection.sslSession())), k -> new AtomicLong())
        .incrementAndGet();
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

  /** Connections opened so far with this HTTP version ("HTTP_1_1", "HTTP_2") and TLS implementation ("OpenSSL", "JDK", "none"). */
  public static long opened(String httpVersion, String tls) {
    AtomicLong count = OPENED.get(key(httpVersion, tls));
    return count == null ? 0 : count.get();
  }

  private static String key(String httpVersion, String tls) {
    return httpVersion + "/" + tls;
  }
}
