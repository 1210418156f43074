package io.claw.operator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.claw.operator.config.ClawOperatorConfig.ApiClientSettings.TlsSetting;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;

class ApiTransportTest {

  private static final ApiTransport.OpenSsl LOADS = new ApiTransport.OpenSsl(true, "BoringSSL", null);
  private static final ApiTransport.OpenSsl DOES_NOT_LOAD = new ApiTransport.OpenSsl(false, null,
      "java.lang.UnsatisfiedLinkError: could not load a native library: netty_tcnative_linux_x86_64");

  @ParameterizedTest(name = "{0}, OpenSSL loads: {1} -> {2}")
  @CsvSource({
      "AUTO,    true,  OPENSSL, BoringSSL, false",
      "AUTO,    false, JDK,     SunJSSE,   true",
      "OPENSSL, true,  OPENSSL, BoringSSL, false",
      "JDK,     true,  JDK,     SunJSSE,   false",
      "JDK,     false, JDK,     SunJSSE,   false",
  })
  void theTlsImplementationFollowsTheSettingAndWhatLoads(TlsSetting setting, boolean loads, ApiTransport.Tls expected,
      String library, boolean saysWhy) {
    ApiTransport chosen = ApiTransport.choose(setting, true, loads ? LOADS : DOES_NOT_LOAD, "SunJSSE");
    assertEquals(expected, chosen.tls());
    assertEquals(library, chosen.tlsLibrary());
    assertEquals(saysWhy, chosen.fallback().isPresent(), chosen.toString());
    assertEquals(saysWhy, chosen.describe().contains("UnsatisfiedLinkError"), chosen.describe());
  }

  @Test
  void openSslRequiredButNotLoadingStopsTheOperatorNamingTheSetting() {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> ApiTransport.choose(TlsSetting.OPENSSL, true, DOES_NOT_LOAD, "SunJSSE"));
    assertTrue(refused.getMessage().startsWith("claw.operator.api-client.tls=openssl"), refused.getMessage());
    assertTrue(refused.getMessage().contains("UnsatisfiedLinkError"), refused.getMessage());
    assertTrue(refused.getMessage().contains("auto or jdk"), refused.getMessage());
  }

  @Test
  void theLogLineSaysWhatIsUsed() {
    assertEquals("API server connections: TLS by OpenSSL (BoringSSL), HTTP/2 where the API server offers it",
        new ApiTransport(ApiTransport.Tls.OPENSSL, "BoringSSL", true, Optional.empty()).describe());
    assertEquals("API server connections: TLS by JDK (SunJSSE), HTTP/1.1",
        new ApiTransport(ApiTransport.Tls.JDK, "SunJSSE", false, Optional.empty()).describe());
  }

  /** This build's own native library loads here (Linux x86_64), as it must in the image. */
  @Test
  void openSslLoadsOnThisMachine() {
    ApiTransport.OpenSsl probed = ApiTransports.probeOpenSsl();
    assertTrue(probed.loads(), probed.whyNot());
    assertEquals("BoringSSL", probed.version());
  }

  @Test
  void tuningSwapsFabric8sSslContextForVertxsEngineOverTheSameManagers() throws Exception {
    KeyManager[] keys = keyManagers();
    TrustManager[] trust = trustManagers();
    for (var transport : new ApiTransport[] {
        new ApiTransport(ApiTransport.Tls.OPENSSL, "BoringSSL", true, Optional.empty()),
        new ApiTransport(ApiTransport.Tls.JDK, "SunJSSE", false, Optional.empty())}) {
      HttpClientOptions options = new HttpClientOptions().setSsl(true).setConnectTimeout(1234)
          .setSslEngineOptions(new JdkSSLEngineOptions());
      TunedHttpClientFactory.tune(options, transport, keys, trust, false);
      if (transport.tls() == ApiTransport.Tls.OPENSSL) {
        assertInstanceOf(OpenSSLEngineOptions.class, options.getSslEngineOptions());
        assertEquals(HttpVersion.HTTP_2, options.getProtocolVersion());
        assertTrue(options.isUseAlpn());
      } else {
        assertSame(JdkSSLEngineOptions.class, options.getSslEngineOptions().getClass());
        assertEquals(HttpVersion.HTTP_1_1, options.getProtocolVersion());
        assertFalse(options.isUseAlpn());
      }
      assertNotNull(options.getKeyCertOptions(), "the kubeconfig's client certificate is kept");
      assertNotNull(options.getTrustOptions(), "the kubeconfig's CA is kept");
      assertEquals(1234, options.getConnectTimeout(), "what fabric8 set is kept");
    }
  }

  @Test
  void http11PinnedByFabric8StaysHttp11() {
    HttpClientOptions options = new HttpClientOptions().setSsl(true);
    TunedHttpClientFactory.tune(options, new ApiTransport(ApiTransport.Tls.OPENSSL, "BoringSSL", true, Optional.empty()),
        null, null, true);
    assertEquals(HttpVersion.HTTP_1_1, options.getProtocolVersion());
    assertNull(options.getKeyCertOptions(), "no client certificate: token authentication");
    assertNull(options.getTrustOptions(), "no CA given: the JVM's");
  }

  @Test
  void plainHttpIsLeftAlone() {
    HttpClientOptions options = new HttpClientOptions();
    TunedHttpClientFactory.tune(options, new ApiTransport(ApiTransport.Tls.OPENSSL, "BoringSSL", true, Optional.empty()),
        null, null, false);
    assertNull(options.getSslEngineOptions());
    assertEquals(HttpVersion.HTTP_1_1, options.getProtocolVersion());
  }

  private static KeyManager[] keyManagers() throws Exception {
    var store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, new char[0]);
    return factory.getKeyManagers();
  }

  private static TrustManager[] trustManagers() throws Exception {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((java.security.KeyStore) null);
    return factory.getTrustManagers();
  }

  /** What the log says of the event loops' transport: each case names the setting or the reason. */
  @Test
  void theEventLoopsTransportIsSaidWithWhyItIsNotEpoll() {
    assertEquals("Event loops on Netty's epoll transport", ApiTransports.describeEventLoops(true, true, null));
    assertEquals("Event loops on Java NIO, since Netty's epoll transport does not load: "
        + "java.lang.UnsatisfiedLinkError: no netty_transport_native_epoll_x86_64",
        ApiTransports.describeEventLoops(false, true, new UnsatisfiedLinkError("no netty_transport_native_epoll_x86_64")));
    assertEquals("Event loops on Java NIO (quarkus.vertx.prefer-native-transport=false)",
        ApiTransports.describeEventLoops(false, false, null));
  }

  @Test
  void connectionsAreCountedByTransport() {
    assertEquals("epoll", ApiTransports.transportOf(true));
    assertEquals("nio", ApiTransports.transportOf(false));
  }
}
