package io.claw.operator.client;

import java.util.Optional;

import io.claw.operator.config.ClawOperatorConfig;

/**
 * How the operator's connections to the API server are made: which TLS implementation, and
 * whether requests share HTTP/2 connections. Chosen once per process, from the settings and
 * from whether OpenSSL loads on this machine.
 *
 * @param tls the TLS implementation in use
 * @param tlsLibrary what it names itself (OpenSSL's version string, or the JDK's provider)
 * @param http2 whether requests ask for HTTP/2 by ALPN
 * @param fallback why OpenSSL is not used though the setting allowed it; empty when it is, or when not asked for
 */
public record ApiTransport(Tls tls, String tlsLibrary, boolean http2, Optional<String> fallback) {

  public enum Tls {
    OPENSSL("OpenSSL"), JDK("JDK");

    private final String label;

    Tls(String label) {
      this.label = label;
    }

    /** As the metric and the log name it. */
    public String label() {
      return label;
    }
  }

  /** What OpenSSL's probe found: whether it loads, its version string, and why not. */
  public record OpenSsl(boolean loads, String version, String whyNot) {
  }

  /**
   * The choice, a pure function of the settings and the probe.
   *
   * @throws IllegalStateException when OpenSSL is required and does not load, naming the setting
   */
  public static ApiTransport choose(ClawOperatorConfig.ApiClientSettings.TlsSetting setting, boolean http2, OpenSsl openSsl, String jdkProvider) {
    return switch (setting) {
      case JDK -> new ApiTransport(Tls.JDK, jdkProvider, http2, Optional.empty());
      case OPENSSL -> {
        if (!openSsl.loads()) {
          throw new IllegalStateException(ClawOperatorConfig.ApiClientSettings.TLS + "=openssl, but OpenSSL (netty-tcnative's BoringSSL) "
              + "does not load here: " + openSsl.whyNot() + ". Set " + ClawOperatorConfig.ApiClientSettings.TLS + " to auto or jdk.");
        }
        yield new ApiTransport(Tls.OPENSSL, openSsl.version(), http2, Optional.empty());
      }
      case AUTO -> openSsl.loads()
          ? new ApiTransport(Tls.OPENSSL, openSsl.version(), http2, Optional.empty())
          : new ApiTransport(Tls.JDK, jdkProvider, http2, Optional.of(openSsl.whyNot()));
    };
  }

  /** One line for the log. */
  public String describe() {
    return "API server connections: TLS by " + tls.label() + " (" + tlsLibrary + ")"
        + fallback.map(why -> ", since OpenSSL does not load: " + why).orElse("")
        + (http2 ? ", HTTP/2 where the API server offers it" : ", HTTP/1.1");
  }
}
