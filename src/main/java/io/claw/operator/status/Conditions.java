package io.claw.operator.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.claw.operator.api.ClawCondition;

/** Condition bookkeeping as Kubernetes does it: the transition time moves only with the status. */
final class Conditions {

  private Conditions() {
  }

  static ClawCondition withTransitionTime(ClawCondition next, List<ClawCondition> previous, Instant now) {
    return previous == null ? stamp(next, now)
        : previous.stream()
            .filter(p -> p.type().equals(next.type()) && p.status().equals(next.status()) && p.lastTransitionTime() != null)
            .findFirst()
            .map(p -> next.withLastTransitionTime(p.lastTransitionTime()))
            .orElseGet(() -> stamp(next, now));
  }

  private static ClawCondition stamp(ClawCondition condition, Instant now) {
    return condition.withLastTransitionTime(DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
  }
}
