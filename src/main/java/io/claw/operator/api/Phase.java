package io.claw.operator.api;

/** A one-word summary of where an instance stands; conditions carry the detail. */
public enum Phase {
  /** The Pod is being created, scheduled, replaced, or its containers are starting. */
  Pending,
  /** The container is running. */
  Running,
  /** The kubelet cannot pull the image (see the ImagePullFailed condition). */
  ImagePullFailed,
  /** The instance cannot run for another reason (see the Ready condition), or its run to completion failed. */
  Failed,
  /** A run to completion ended well (the Complete condition). */
  Succeeded,
  /** spec.stopped is true and the Pod is on its way out (stopped gracefully). */
  Stopping,
  /** spec.stopped is true and the instance has no Pod; its claim and Service are kept. */
  Stopped
}
