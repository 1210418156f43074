package io.claw.operator.status;

/**
 * Why no Pod is built from the spec.
 *
 * @param reason the Ready condition's reason (InvalidSpec, PodSecurityViolation)
 */
public record Rejection(String reason, String message) {
}
