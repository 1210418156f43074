package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why an image does not pull, in words that stay the same whichever kubelet and container
 * runtime reported it. The runtime's own message is kept beside it.
 */
public enum PullFailureCause {
  /** Connection refused, timeout, no route, a name that does not resolve, or the registry answers 5xx. */
  REGISTRY_UNREACHABLE("RegistryUnreachable"),
  /** The node does not trust the certificate, the name does not match it, or HTTP was spoken to HTTPS. */
  TLS_ERROR("TLSError"),
  /** The tag, digest or repository is not at the registry. */
  NOT_FOUND("NotFound"),
  /** 401 or 403, "pull access denied", a token refused. */
  UNAUTHORIZED("Unauthorized"),
  /** 429, toomanyrequests. */
  RATE_LIMITED("RateLimited"),
  /** pullPolicy Never, and the node does not hold the image (or, from kubelet 1.35, may not use it). */
  NOT_PRESENT_ON_NODE("NotPresentOnNode"),
  /** The image reference cannot be parsed. */
  INVALID_NAME("InvalidName"),
  /** The image has no build for the node's operating system and architecture. */
  PLATFORM_MISMATCH("PlatformMismatch"),
  /** The runtime's signature policy refused the image. */
  SIGNATURE_INVALID("SignatureInvalid"),
  /** Anything else: the runtime's message says what. */
  UNKNOWN("Unknown");

  private final String value;

  PullFailureCause(String value) {
    this.value = value;
  }

  @JsonValue
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
