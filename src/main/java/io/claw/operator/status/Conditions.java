package io.claw.operator.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;

/** Condition bookkeeping as Kubernetes does it: the transition time moves only with the status. */
final class Conditions {

  private static final Set<String> TYPES = Set.of(ClawCondition.READY, ClawCondition.IMAGE_PULL_FAILED,
      ClawCondition.PULL_SECRETS_FOUND);
  private static final Set<String> STATUSES = Set.of(ClawCondition.TRUE, ClawCondition.FALSE, ClawCondition.UNKNOWN);

  private Conditions() {
  }

  /**
   * The stored status as far as it can be built on. Anyone who may write the status subresource
   * can put anything there that the schema lets through; conditions of other types, without a
   * status, or repeated, are dropped, and a transition time that is no time is forgotten, so
   * that the next status is computed afresh instead of failing on them.
   */
  static ClawInstanceStatus usable(ClawInstanceStatus stored) {
    if (stored == null) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    List<ClawCondition> conditions = stored.conditions() == null ? List.of() : stored.conditions().stream()
        .filter(Objects::nonNull)
        // Set.of(...).contains(null) throws: the null checks come first
        .filter(c -> c.type() != null && c.status() != null
            && TYPES.contains(c.type()) && STATUSES.contains(c.status()) && seen.add(c.type()))
        .map(c -> isTime(c.lastTransitionTime()) ? c : c.withLastTransitionTime(null))
        .toList();
    return conditions.equals(stored.conditions()) ? stored
        : stored.toBuilder().conditions(conditions).build();
  }

  static ClawCondition withTransitionTime(ClawCondition next, List<ClawCondition> previous, Instant now) {
    return previous == null ? stamp(next, now)
        : previous.stream()
            .filter(p -> next.type().equals(p.type()) && next.status().equals(p.status())
                && p.lastTransitionTime() != null)
            .findFirst()
            .map(p -> next.withLastTransitionTime(p.lastTransitionTime()))
            .orElseGet(() -> stamp(next, now));
  }

  private static boolean isTime(String value) {
    if (value == null) {
      return false;
    }
    try {
      Instant.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static ClawCondition stamp(ClawCondition condition, Instant now) {
    return condition.withLastTransitionTime(DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
  }
}
