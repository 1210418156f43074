package io.claw.operator.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.jboss.logging.Logger;

/**
 * The operator's CA bundle for registries (claw.operator.tag-resolution.ca-bundle): its CAs are
 * trusted beside the JVM's own by the JVM's default SSL context, which the registry client uses.
 * Set once, at startup; a bundle that holds no certificate stops the operator, naming the setting.
 */
public final class RegistryCaBundle {

  private static final Logger LOG = Logger.getLogger(RegistryCaBundle.class);

  private RegistryCaBundle() {
  }

  /** Trusts the bundle's CAs beside the JVM's own, for the registry client's TLS connections. */
  public static void trust(Path bundle) {
    try (InputStream in = Files.newInputStream(bundle)) {
      Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (cas.isEmpty()) {
        throw new IllegalArgumentException(ClawOperatorConfig.TAG_RESOLUTION + ".ca-bundle " + bundle
            + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate jvm : jvmTrust().getAcceptedIssuers()) {
        store.setCertificateEntry("jvm-" + i++, jvm);
      }
      for (Certificate ca : cas) {
        store.setCertificateEntry("bundle-" + i++, ca);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      SSLContext.setDefault(context);
      LOG.infof("Trusting %d CA certificate(s) from %s for registries", cas.size(), bundle);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(ClawOperatorConfig.TAG_RESOLUTION + ".ca-bundle " + bundle
          + " cannot be read as PEM certificates: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager jvmTrust() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    List<X509TrustManager> managers = new ArrayList<>();
    for (var manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        managers.add(x509);
      }
    }
    return managers.get(0);
  }
}
