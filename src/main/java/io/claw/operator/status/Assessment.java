package io.claw.operator.status;

import io.claw.operator.api.Phase;

/** The verdict on an instance before it is written up as status and conditions. */
record Assessment(Phase phase, boolean ready, String reason, String message, PullFailure pullFailure, String imageID) {

  static Assessment notReady(Phase phase, String reason, String message) {
    return new Assessment(phase, false, reason, message, null, null);
  }
}
