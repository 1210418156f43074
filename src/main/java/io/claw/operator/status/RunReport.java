package io.claw.operator.status;

import io.claw.operator.api.RunStatus;

/**
 * What the status says of a run to completion: status.run, and whether the run has ended and how.
 *
 * @param expired its time to live after finishing has passed, and the instance is being deleted
 */
public record RunReport(RunStatus run, Outcome outcome, boolean expired) {

  public enum Outcome {
    /** The run goes on (or is about to start, or to start again). */
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public boolean finished() {
    return outcome != Outcome.RUNNING;
  }
}
