package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;

class PullSecretCheckTest {

  private static final Instant MISSING_SINCE = Instant.parse("2026-12-01T10:00:00Z");

  private static ClawInstanceStatus missing() {
    return ClawInstanceStatus.builder().phase(Phase.ImagePullFailed).message("").image("app:1")
        .pullFailureReason("ErrImagePull").podName("app").observedGeneration(1L)
        .conditions(List.of(new ClawCondition(ClawCondition.PULL_SECRETS_FOUND, ClawCondition.FALSE, "SecretNotFound", "",
            MISSING_SINCE.toString(), 1L))).build();
  }

  @Test
  void aSecretMissingForAMomentIsLookedForSoonThenRarely() {
    assertEquals(Duration.ofSeconds(2), PullSecretCheck.recheckAfter(missing(), MISSING_SINCE.plusSeconds(3)));
    assertEquals(Duration.ofSeconds(2), PullSecretCheck.recheckAfter(missing(), MISSING_SINCE.plusSeconds(59)));
    assertEquals(Duration.ofSeconds(30), PullSecretCheck.recheckAfter(missing(), MISSING_SINCE.plusSeconds(60)));
    assertEquals(Duration.ofSeconds(30), PullSecretCheck.recheckAfter(missing(), MISSING_SINCE.plusSeconds(3600)));
  }
}
