package io.claw.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;

/**
 * The client's token refresh, run as before a request once its minute is up, against a
 * kubeconfig file that is rewritten after it was loaded: whether the file is read again shows in
 * the Authorization header the refresh sets from it.
 */
class CertificateOnlyAuthTest {

  private static final String CERTIFICATE = "client-certificate-data: " + base64("certificate") + "\n"
      + "    client-key-data: " + base64("key");

  @TempDir
  Path dir;

  @Test
  void aCertificateOnlyKubeconfigIsNotReadAgainBeforeARequest() throws IOException {
    Config config = load(CERTIFICATE);
    assertTrue(CertificateOnlyAuth.authenticatesByCertificateOnly(config));
    new CertificateOnlyAuth().customize(config);

    assertEquals(Map.of(), headersAfterARefreshThatIsDue(config));
  }

  /** What the customizer is for; when a client upgrade makes this fail, the customizer can go. */
  @Test
  void withoutItTheClientReadsTheKubeconfigAgainBeforeARequest() throws IOException {
    Config config = load(CERTIFICATE);

    assertEquals(Map.of("Authorization", "Bearer written-later"), headersAfterARefreshThatIsDue(config));
  }

  @Test
  void tokensAreLeftToTheRefreshSoThatRotatedOnesArePickedUp() throws IOException {
    Config config = load("token: first");
    assertFalse(CertificateOnlyAuth.authenticatesByCertificateOnly(config));
    new CertificateOnlyAuth().customize(config);
    assertNull(config.getOauthTokenProvider());

    assertEquals(Map.of("Authorization", "Bearer written-later"), headersAfterARefreshThatIsDue(config));
  }

  @Test
  void aCertificateWithATokenOrAPasswordIsLeftAlone() throws IOException {
    assertFalse(CertificateOnlyAuth.authenticatesByCertificateOnly(load(CERTIFICATE + "\n    token: t")));
    assertFalse(CertificateOnlyAuth.authenticatesByCertificateOnly(
        load(CERTIFICATE + "\n    username: u\n    password: p")));
  }

  private Config load(String user) throws IOException {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, kubeconfig(user));
    return Config.fromKubeconfig(file.toFile());
  }

  /** Rewrites the file with a token, then runs the refresh as if its last one were long ago. */
  private Map<String, String> headersAfterARefreshThatIsDue(Config config) throws IOException {
    Files.writeString(dir.resolve("kubeconfig"), kubeconfig("token: written-later"));
    Headers headers = new Headers();
    new TokenRefreshInterceptor(config, null, Instant.EPOCH).before(headers, null, null);
    headers.set.remove("Authorization", "Bearer first");
    return headers.set;
  }

  private static String kubeconfig(String user) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: https://127.0.0.1:6443
        users:
        - name: u
          user:
            %s
        contexts:
        - name: ctx
          context:
            cluster: c
            user: u
        current-context: ctx
        """.formatted(user);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes());
  }

  private static final class Headers implements BasicBuilder {
    final Map<String, String> set = new HashMap<>();

    @Override
    public BasicBuilder uri(URI uri) {
      return this;
    }

    @Override
    public BasicBuilder header(String name, String value) {
      set.put(name, value);
      return this;
    }

    @Override
    public BasicBuilder setHeader(String name, String value) {
      set.put(name, value);
      return this;
    }
  }
}
