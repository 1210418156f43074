package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.status.PullSecrets;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Looks up the Secrets an instance names as pull secrets, one GET each (through {@link NamedSecrets},
 * shared with tag resolution): no informer, so the operator never caches Secret data, and the cost
 * stays with the instances that use them.
 */
final class PullSecretCheck {

  private static final Logger LOG = Logger.getLogger(PullSecretCheck.class);
  /**
   * A Secret yet to be created sends no event (Secrets are not watched), so the operator looks
   * again: soon while the Secret has been missing for a short while (someone is likely creating
   * it now, and the instance should recover within seconds), rarely after that, so that many
   * instances that lack a Secret for good cost few GETs.
   */
  static final Duration RECHECK_SOON = Duration.ofSeconds(2);
  static final Duration RECHECK_LATER = Duration.ofSeconds(30);
  static final Duration SOON_FOR = Duration.ofMinutes(1);
  private static final int FORBIDDEN = 403;

  private final AtomicBoolean forbiddenLogged = new AtomicBoolean();

  /** When to look again for the missing Secrets of an instance whose status is {@code status}. */
  static Duration recheckAfter(ClawInstanceStatus status, Instant now) {
    return status.condition(ClawCondition.PULL_SECRETS_FOUND)
        .map(ClawCondition::lastTransitionTime)
        .map(Instant::parse)
        .filter(missingSince -> Duration.between(missingSince, now).compareTo(SOON_FOR) < 0)
        .map(missingSince -> RECHECK_SOON)
        .orElse(RECHECK_LATER);
  }

  PullSecrets check(NamedSecrets secrets, String namespace, List<String> names) {
    if (names.isEmpty()) {
      return PullSecrets.NOT_CHECKED;
    }
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      try {
        if (secrets.get(name).isEmpty()) {
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
