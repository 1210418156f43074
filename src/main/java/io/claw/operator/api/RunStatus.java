package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** status.run: how a run to completion is going, and how it ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatus(
    @JsonPropertyDescription("When the run's first Pod was created (RFC 3339).") String startTime,
    @JsonPropertyDescription("When the run ended, succeeded or failed (RFC 3339); absent while it runs.") String completionTime,
    @JsonPropertyDescription("Exit code of the app container's last run; absent until it has ended once.") Integer exitCode,
    @JsonPropertyDescription("Why the run ended: Completed, the container's reason (Error, OOMKilled, ...), "
        + "BackoffLimitExceeded, DeadlineExceeded or ImagePullFailed.") String reason,
    @JsonPropertyDescription("The app's termination message, or its last log lines when it wrote none "
        + "(FallbackToLogsOnError); for a pull failure the cause and hint.") String message,
    @JsonPropertyDescription("Failed runs so far (counted against spec.run.backoffLimit).") Integer failed,
    @JsonPropertyDescription("Runs ended by an eviction, a preemption or a node shutdown, started again and not "
        + "counted.") Integer disrupted) {
}
