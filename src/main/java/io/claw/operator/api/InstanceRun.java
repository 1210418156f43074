package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * spec.run: whether the app runs for ever (Always, as every instance before this field) or to
 * completion (OnFailure, Never), with a Job's retries, deadline and time to live. The words are the
 * Pod's restartPolicy and the Job's fields, so that someone who knows a Job knows these.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceRun {

  /** A Job's default: six retries before the run fails. */
  public static final int DEFAULT_BACKOFF_LIMIT = 6;

  @JsonPropertyDescription("Always (the default): the app runs for ever; it is restarted when it exits and its Pod is "
      + "replaced when it ends. OnFailure: it runs to completion, restarted in its Pod when it fails. Never: it runs "
      + "to completion, and a failed run is retried in a new Pod. As the Pod's restartPolicy.")
  private RestartPolicy restartPolicy;

  @JsonPropertyDescription("Run to completion: how many failed runs are retried before the instance fails (6 when "
      + "absent, as a Job's). An eviction, a preemption or a node shutdown does not count.")
  @Min(0)
  @Max(1000)
  private Integer backoffLimit;

  @JsonPropertyDescription("Run to completion: seconds the run may take from its first Pod, retries included; then "
      + "it fails with reason DeadlineExceeded. As a Job's activeDeadlineSeconds.")
  @Min(1)
  private Long activeDeadlineSeconds;

  @JsonPropertyDescription("Run to completion: seconds after the run finished (succeeded or failed) when the "
      + "instance and its Pod are deleted; its claim follows spec.storage.whenDeleted. Kept when absent.")
  @Min(0)
  private Long ttlSecondsAfterFinished;

  public enum RestartPolicy {
    Always, OnFailure, Never
  }

  public RestartPolicy getRestartPolicy() {
    return restartPolicy;
  }

  public void setRestartPolicy(RestartPolicy restartPolicy) {
    this.restartPolicy = restartPolicy;
  }

  /** Whether the app runs once, to an end the status reports, rather than for ever. */
  public boolean toCompletion() {
    return restartPolicy == RestartPolicy.OnFailure || restartPolicy == RestartPolicy.Never;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }

  public int backoffLimitOrDefault() {
    return backoffLimit == null ? DEFAULT_BACKOFF_LIMIT : backoffLimit;
  }

  public Long getActiveDeadlineSeconds() {
    return activeDeadlineSeconds;
  }

  public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
    this.activeDeadlineSeconds = activeDeadlineSeconds;
  }

  public Long getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Long ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }
}
