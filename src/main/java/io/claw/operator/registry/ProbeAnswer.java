package io.claw.operator.registry;

import java.time.Duration;

/**
 * What one HEAD of a manifest came to.
 *
 * @param digest the Docker-Content-Digest, when the registry gave one
 * @param cause why there is no digest; null with a digest
 * @param retryAfter how long the registry asked to be left alone (Retry-After), null if it did not say
 * @param message the registry's or the network's words, for the status
 */
public record ProbeAnswer(String digest, Cause cause, Duration retryAfter, String message) {

  /** Why a registry gave no digest. */
  public enum Cause {
    /** No connection: the name does not resolve, nothing listens, or the connection timed out. */
    UNREACHABLE,
    /** The registry's certificate is not trusted (see the CA bundle setting). */
    UNTRUSTED_CERTIFICATE,
    /** 401 or 403: credentials missing or refused. */
    UNAUTHORIZED,
    /** 404: no such tag or repository. */
    NOT_FOUND,
    /** 429: too many requests. */
    THROTTLED,
    /** 5xx, or an answer that is not a manifest's. */
    REGISTRY_ERROR
  }

  public static ProbeAnswer found(String digest) {
    return new ProbeAnswer(digest, null, null, null);
  }

  public static ProbeAnswer failed(Cause cause, Duration retryAfter, String message) {
    return new ProbeAnswer(null, cause, retryAfter, message);
  }

  public boolean ok() {
    return digest != null;
  }

  /** Answers after which the registry should be asked less often. */
  public boolean backOff() {
    return cause == Cause.THROTTLED || cause == Cause.REGISTRY_ERROR || cause == Cause.UNREACHABLE;
  }
}
