package io.claw.operator.status;

import java.util.List;

/**
 * What the operator found out about the Secrets an instance names in spec.imagePullSecrets. The
 * API server accepts a Pod whose pull secret does not exist; the kubelet then pulls without
 * credentials and a private registry refuses, so a missing Secret is worth saying by name.
 *
 * @param missing the named Secrets that do not exist, in spec order
 */
public record PullSecrets(Result result, List<String> missing) {

  public enum Result {
    /** The instance names no pull secret, or the check is switched off. */
    NOT_CHECKED,
    FOUND,
    MISSING,
    /** The operator may not read Secrets here, so it cannot tell. */
    FORBIDDEN
  }

  public static final PullSecrets NOT_CHECKED = new PullSecrets(Result.NOT_CHECKED, List.of());
  public static final PullSecrets FOUND = new PullSecrets(Result.FOUND, List.of());
  public static final PullSecrets FORBIDDEN = new PullSecrets(Result.FORBIDDEN, List.of());

  public static PullSecrets missing(List<String> names) {
    return names.isEmpty() ? FOUND : new PullSecrets(Result.MISSING, List.copyOf(names));
  }
}
