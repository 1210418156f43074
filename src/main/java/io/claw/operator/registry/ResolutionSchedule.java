package io.claw.operator.registry;

import java.time.Duration;

/**
 * When to ask a registry about a tag again, decided from its last answer alone. Every wait is
 * stretched by up to {@code jitter} of itself, so that instances created together do not ask
 * together ever after.
 *
 * @param interval how often a tracked tag is asked about while the registry answers
 * @param maxBackOff the longest wait after answers that ask for less load, unless Retry-After asks for more
 * @param jitter the fraction by which a wait is stretched at most, e.g. 0.1
 */
public record ResolutionSchedule(Duration interval, Duration maxBackOff, double jitter) {

  /**
   * @param answer the registry's last answer
   * @param failuresInARow how many answers in a row, this one included, asked for less load
   * @param random a number in [0, 1), the jitter's draw
   */
  public Duration after(ProbeAnswer answer, int failuresInARow, double random) {
    Duration wait = interval;
    if (answer.backOff()) {
      wait = backOff(failuresInARow);
    }
    if (answer.retryAfter() != null && answer.retryAfter().compareTo(wait) > 0) {
      wait = answer.retryAfter();
    }
    return stretch(wait, random);
  }

  /** interval, 2 x interval, 4 x ... up to maxBackOff. */
  Duration backOff(int failuresInARow) {
    int doublings = Math.max(0, Math.min(failuresInARow - 1, 20));
    Duration wait = interval.multipliedBy(1L << doublings);
    return wait.compareTo(maxBackOff) > 0 ? maxBackOff : wait;
  }

  public Duration stretch(Duration wait, double random) {
    return wait.plusMillis((long) (wait.toMillis() * jitter * random));
  }
}
