package io.claw.operator.reconciler;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The Secrets one reconcile reads by name, each at most once: the pull-secret check and tag
 * resolution's credentials ask for the same ones. Lives for one reconcile, so that no Secret data
 * is kept beyond it (Secrets are not watched or cached).
 */
final class NamedSecrets {

  private final Function<String, Secret> reader;
  private final Map<String, Optional<Secret>> read = new HashMap<>();
  private KubernetesClientException refused;

  NamedSecrets(Function<String, Secret> reader) {
    this.reader = reader;
  }

  static NamedSecrets in(KubernetesClient client, String namespace) {
    return new NamedSecrets(name -> client.secrets().inNamespace(namespace).withName(name).get());
  }

  /**
   * The Secret, or empty when there is none by that name. A refusal (no right to get Secrets) is
   * thrown again to later callers without asking again.
   */
  Optional<Secret> get(String name) {
    if (refused != null) {
      throw refused;
    }
    Optional<Secret> known = read.get(name);
    if (known != null) {
      return known;
    }
    try {
      Optional<Secret> secret = Optional.ofNullable(reader.apply(name));
      read.put(name, secret);
      return secret;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        refused = e;
      }
      throw e;
    }
  }
}
