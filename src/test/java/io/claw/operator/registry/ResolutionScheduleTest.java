package io.claw.operator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResolutionScheduleTest {

  private static final ResolutionSchedule SCHEDULE = new ResolutionSchedule(Duration.ofMinutes(5),
      Duration.ofMinutes(30), 0.1);

  @ParameterizedTest(name = "{0} #{1}, Retry-After {2}, draw {3}: {4}")
  @CsvSource(delimiter = '|', value = {
      // cause           | in a row | Retry-After | draw | wait
      "                  | 0        |             | 0    | PT5M",
      "                  | 0        |             | 0.5  | PT5M15S",
      "NOT_FOUND         | 0        |             | 0    | PT5M",
      "UNAUTHORIZED      | 0        |             | 0    | PT5M",
      "THROTTLED         | 1        |             | 0    | PT5M",
      "THROTTLED         | 2        |             | 0    | PT10M",
      "THROTTLED         | 3        |             | 0    | PT20M",
      "THROTTLED         | 4        |             | 0    | PT30M",
      "THROTTLED         | 40       |             | 0    | PT30M",
      "THROTTLED         | 1        | PT1H        | 0    | PT1H",
      "THROTTLED         | 1        | PT1H        | 0.99 | PT1H5M56.4S",
      "THROTTLED         | 3        | PT1M        | 0    | PT20M",
      "REGISTRY_ERROR    | 2        | PT30S       | 0    | PT10M",
      "UNREACHABLE       | 2        |             | 0    | PT10M",
      "UNTRUSTED_CERTIFICATE | 0    |             | 0    | PT5M"})
  void waits(ProbeAnswer.Cause cause, int inARow, Duration retryAfter, double draw, Duration expected) {
    ProbeAnswer answer = cause == null ? ProbeAnswer.found("sha256:a") : ProbeAnswer.failed(cause, retryAfter, "x");
    assertEquals(expected, SCHEDULE.after(answer, inARow, draw));
  }

  @Test
  void aBudgetAllowsThatManyRequestsPerIntervalAndSaysWhenTheNextIsDue() {
    Instant t0 = Instant.parse("2026-12-02T00:00:00Z");
    RegistryBudget budget = new RegistryBudget(3, Duration.ofSeconds(60));
    for (int i = 0; i < 3; i++) {
      assertEquals(Duration.ZERO, budget.take("r", t0));
    }
    assertEquals(Duration.ofSeconds(20), budget.take("r", t0), "one token comes back every 20 s");
    assertEquals(Duration.ZERO, budget.take("other", t0), "budgets are per registry");
    assertEquals(Duration.ZERO, budget.take("r", t0.plusSeconds(20)));
    assertEquals(Duration.ofSeconds(20), budget.take("r", t0.plusSeconds(20)));
    for (int i = 0; i < 3; i++) {
      assertEquals(Duration.ZERO, budget.take("r", t0.plusSeconds(3600)), "refilled, but never above 3");
    }
    assertEquals(Duration.ofSeconds(20), budget.take("r", t0.plusSeconds(3600)));
  }
}
