package io.claw.operator.reconciler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.status.PullSecrets;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Looks up the Secrets an instance names as pull secrets, one GET each: no informer, so the
 * operator never caches Secret data, and the cost stays with the instances that use them.
 */
final class PullSecretCheck {

  private static final Logger LOG = Logger.getLogger(PullSecretCheck.class);
  private static final int FORBIDDEN = 403;

  private final AtomicBoolean forbiddenLogged = new AtomicBoolean();

  PullSecrets check(KubernetesClient client, String namespace, List<String> names) {
    if (names.isEmpty()) {
      return PullSecrets.NOT_CHECKED;
    }
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      try {
        if (client.secrets().inNamespace(namespace).withName(name).get() == null) {
          missing.add(name);
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != FORBIDDEN) {
          throw e;
        }
        if (forbiddenLogged.compareAndSet(false, true)) {
          LOG.warnf("Cannot check that pull secrets exist: no permission to get Secrets (namespace %s). "
              + "Grant it, or set %s=false", namespace, ClawOperatorConfig.CHECK_PULL_SECRETS);
        }
        return PullSecrets.FORBIDDEN;
      }
    }
    return PullSecrets.missing(missing);
  }
}
