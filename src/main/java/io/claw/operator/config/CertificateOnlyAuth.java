package io.claw.operator.config;

import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;

/**
 * Stops the client from re-reading the kubeconfig before every request when it authenticates by
 * client certificate alone, as kind, kubeadm's admin.conf and minikube configure it.
 * <p>
 * fabric8's token refresh re-reads the kubeconfig before a request once a minute has passed since
 * the last refresh that brought a token. A certificate brings none, so after the operator's first
 * minute every request parsed the kubeconfig's YAML again: 37 % of the reconcile threads' CPU in
 * the benchmark. A certificate is loaded once into the TLS context and no refresh can change it,
 * so an empty token provider, which the refresh asks instead of the file, loses nothing. Tokens
 * (the in-cluster service account's, a kubeconfig's, an exec plugin's) are left to the refresh,
 * which keeps picking up rotated ones.
 */
@Singleton
public class CertificateOnlyAuth implements KubernetesConfigCustomizer {

  @Override
  public void customize(Config config) {
    if (authenticatesByCertificateOnly(config)) {
      config.setOauthTokenProvider(() -> null);
    }
  }

  static boolean authenticatesByCertificateOnly(Config config) {
    boolean certificate = present(config.getClientCertFile()) || present(config.getClientCertData());
    boolean anythingElse = config.getOauthTokenProvider() != null || present(config.getOauthToken())
        || present(config.getAutoOAuthToken()) || config.getAuthProvider() != null
        || present(config.getUsername()) || present(config.getPassword());
    return certificate && !anythingElse;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
