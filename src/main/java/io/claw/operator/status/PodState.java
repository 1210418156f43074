package io.claw.operator.status;

/** What the reconciler found, or did, about the instance's Pod in this pass. */
public enum PodState {
  /** The Pod is there and built from the current inputs. */
  PRESENT,
  /** The Pod is being deleted so that one with new immutable fields can take its place. */
  REPLACING,
  /** The Pod ended, as the ones before it did; it is replaced once the back-off has passed. */
  ENDED_BACKING_OFF,
  /** A Pod with the instance's name exists but belongs to someone else. */
  NAME_CONFLICT,
  /** Neither spec.image nor the operator's default image is set, so no Pod can be built. */
  NO_IMAGE,
  /** The spec cannot be built into a Pod (Observation.rejection says why); a live Pod stays as it was. */
  REJECTED,
  /** The image's tag is to be resolved and no digest is known yet: no Pod until there is one. */
  AWAITING_DIGEST,
  /** spec.stopped: the Pod is being deleted. */
  STOPPING,
  /** spec.stopped: no Pod. */
  STOPPED,
  /** A run to completion ended (Observation.run says how); its Pod, if any, is kept or being stopped. */
  FINISHED
}
