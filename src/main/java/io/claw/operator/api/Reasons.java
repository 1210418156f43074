package io.claw.operator.api;

/**
 * The operator's reason vocabulary, in one place: the reasons of its conditions and Events.
 * Pull-failure reasons are the kubelet's own and are passed through as it writes them.
 */
public final class Reasons {

  // Ready
  public static final String POD_READY = "PodReady";
  public static final String CONTAINERS_NOT_READY = "ContainersNotReady";
  public static final String CONTAINER_CREATING = "ContainerCreating";
  public static final String POD_NOT_SCHEDULED = "PodNotScheduled";
  public static final String POD_REPLACING = "PodReplacing";
  /** The Pod ended (evicted, refused by its node, its node shut down) and is being replaced. */
  public static final String POD_ENDED = "PodEnded";
  /** Pods keep ending; the next one is created after a back-off. */
  public static final String POD_ENDED_BACK_OFF = "PodEndedBackOff";
  public static final String POD_NAME_CONFLICT = "PodNameConflict";
  public static final String NO_IMAGE = "NoImage";
  /** The spec cannot be built into a Pod (the message names the field); a live Pod stays as it was. */
  public static final String INVALID_SPEC = "InvalidSpec";
  /** The Pod would fail the restricted Pod Security Standard that applies; the message names the control and the field. */
  public static final String POD_SECURITY_VIOLATION = "PodSecurityViolation";
  /** The API server refused a change (quota, admission, validation); the message is its answer. */
  public static final String RECONCILE_ERROR = "ReconcileError";

  /** spec.stopped is true and the Pod is being stopped. */
  public static final String STOPPING = "Stopping";
  /** spec.stopped is true and no Pod runs. */
  public static final String STOPPED = "Stopped";

  // a run to completion: status.run.reason, and the Complete or Failed condition's reason
  /** The app exited 0. */
  public static final String COMPLETED = "Completed";
  /** More runs failed than spec.run.backoffLimit allows. */
  public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  /** The run took longer than spec.run.activeDeadlineSeconds. */
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
  /** The image did not pull for longer than the operator's pull-failure deadline for its cause. */
  public static final String IMAGE_PULL_FAILED = "ImagePullFailed";

  // StorageReady (also Ready's reason while an unbound claim holds the Pod back)
  public static final String CLAIM_BOUND = "ClaimBound";
  /** The claim is bound and asks for more than its volume holds: the volume is being expanded. */
  public static final String CLAIM_EXPANDING = "ClaimExpanding";
  public static final String CLAIM_PENDING = "ClaimPending";
  public static final String STORAGE_CLASS_NOT_FOUND = "StorageClassNotFound";
  public static final String WAITING_FOR_FIRST_CONSUMER = "WaitingForFirstConsumer";
  public static final String NO_VOLUME_AVAILABLE = "NoVolumeAvailable";
  public static final String CLAIM_PROVISIONING = "ClaimProvisioning";
  /** The claim's volume is gone (phase Lost). */
  public static final String CLAIM_LOST = "ClaimLost";
  /** spec.storage asks for a change a claim cannot take (shrink, class, access modes); nothing was changed. */
  public static final String STORAGE_CHANGE_REFUSED = "StorageChangeRefused";
  /** The API server refused to grow the claim (its StorageClass does not allow expansion). */
  public static final String EXPANSION_REFUSED = "ExpansionRefused";
  /** The API server refused to create the claim (quota, admission); its answer is the message. */
  public static final String CLAIM_REFUSED = "ClaimRefused";
  /** A claim of the instance's claim name exists and is not the operator's. */
  public static final String CLAIM_NAME_CONFLICT = "ClaimNameConflict";

  // ServiceReady
  public static final String SERVICE_READY = "ServiceReady";
  /** The API server refused the Service (quota, no cluster IP left); its answer is the message. */
  public static final String SERVICE_REFUSED = "ServiceRefused";
  /** A Service of the instance's name exists and is not the operator's. */
  public static final String SERVICE_NAME_CONFLICT = "ServiceNameConflict";

  // ImagePullFailed, while False
  /** The image was pulled: the container has an image ID. */
  public static final String IMAGE_PULLED = "ImagePulled";
  /** A failure ended without a pull (the Pod was replaced, the image or policy changed): no pull has succeeded yet. */
  public static final String AWAITING_PULL = "AwaitingPull";
  public static final String NO_PULL_FAILURE = "NoPullFailure";

  // PullSecretsFound
  public static final String SECRETS_FOUND = "Found";
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRETS_FORBIDDEN = "Forbidden";

  // ImageUpToDate, for instances that resolve tags
  /** The Pod runs the digest the registry gives for the tag now. */
  public static final String TAG_CURRENT = "TagCurrent";
  /** pin: the Pod runs the digest the tag had when the Pod was created; not asked again. */
  public static final String PINNED = "Pinned";
  /** The tag names another digest than the one the Pod runs (track moves the container to it). */
  public static final String TAG_MOVED = "TagMoved";
  /** The registry has not answered yet; also Ready's reason while a Pod waits for its first digest. */
  public static final String RESOLVING_TAG = "ResolvingTag";
  public static final String REGISTRY_UNREACHABLE = "RegistryUnreachable";
  public static final String REGISTRY_CERTIFICATE_UNTRUSTED = "RegistryCertificateUntrusted";
  public static final String REGISTRY_UNAUTHORIZED = "RegistryUnauthorized";
  public static final String TAG_NOT_FOUND = "TagNotFound";
  public static final String REGISTRY_THROTTLED = "RegistryThrottled";
  public static final String REGISTRY_ERROR = "RegistryError";
  /** The registry is on the operator's never-resolve list: the Pod runs the tag as given. */
  public static final String NOT_RESOLVED = "NotResolved";

  // Events only
  public static final String IMAGE_PULL_RECOVERED = "ImagePullRecovered";
  /** A Pod that ended was replaced by a new one. */
  public static final String POD_REPLACED = "PodReplaced";
  /** The API server refused the Pod; Warning, once per change of its answer. */
  public static final String POD_REFUSED = "PodRefused";
  /** The namespace's claw.io/default-pull-policy is no pull policy; Warning, once per instance and value. */
  public static final String INVALID_NAMESPACE_DEFAULT = "InvalidNamespaceDefault";
  /** A credentials rule overrode the policy the instance or its namespace asked for; Warning, once. */
  public static final String CREDENTIALS_REQUIRED = "CredentialsRequired";

  /** A run to completion failed within its back-off limit, or was disrupted, and runs again in a new Pod; Warning. */
  public static final String RUN_RETRIED = "RunRetried";

  /** track moved the Pod's container to the tag's new digest; Normal. */
  public static final String IMAGE_DIGEST_MOVED = "ImageDigestMoved";

  private Reasons() {
  }

  /** The status reports a pull failure, or one that ended without a pull succeeding since. */
  public static boolean pullUnresolved(ClawInstanceStatus status) {
    return status != null && status.condition(ClawCondition.IMAGE_PULL_FAILED)
        .filter(c -> c.isTrue() || AWAITING_PULL.equals(c.reason())).isPresent();
  }

  // ImageRolledOut (False): the Pod keeps running its old image meanwhile
  /** The new image is being pulled onto the Pod's node. */
  public static final String PULLING_AHEAD = "PullingAhead";
  /** Pulling the new image onto the Pod's node fails; status.pullFailure says why. */
  public static final String PULL_AHEAD_FAILED = "PullAheadFailed";
  /** The API server refused the Pod that pulls the new image (quota, admission). */
  public static final String PULLER_REFUSED = "PullerRefused";
}
