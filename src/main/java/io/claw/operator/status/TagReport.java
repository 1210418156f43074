package io.claw.operator.status;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ResolvedImage;

/**
 * For an instance that resolves tags: the status's resolvedImage (null while none is known) and
 * its ImageUpToDate condition.
 */
public record TagReport(ResolvedImage resolved, ClawCondition condition) {
}
