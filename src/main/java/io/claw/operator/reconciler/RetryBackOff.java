package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-instance exponential back-off for refusals the reconciler handles itself, as client-go's
 * per-item rate limiter does: 1 s, 2 s, 4 s, ... up to {@link #CAP}, and forgotten on success.
 * In memory only: after a restart each refused instance is tried again at once.
 */
final class RetryBackOff {

  static final Duration FIRST = Duration.ofSeconds(1);
  /** A refusal fixed later (quota lifted, webhook back, RBAC granted) is noticed within this. */
  static final Duration CAP = Duration.ofMinutes(1);

  private record Attempts(int count, Instant last) {
  }

  private final Map<String, Attempts> attempts = new ConcurrentHashMap<>();

  /** The delay before trying {@code key} again, one step longer than the last. */
  Duration next(String key, Instant now) {
    Attempts updated = attempts.merge(key, new Attempts(1, now), (old, first) -> new Attempts(old.count() + 1, now));
    if (Integer.bitCount(attempts.size()) == 1) {
      forgetStale(now);
    }
    return delay(updated.count());
  }

  void forget(String key) {
    attempts.remove(key);
  }

  int size() {
    return attempts.size();
  }

  static Duration delay(int attempt) {
    Duration delay = FIRST.multipliedBy(1L << Math.min(attempt - 1, 20));
    return delay.compareTo(CAP) > 0 ? CAP : delay;
  }

  /**
   * An instance still refused is tried at least once per {@link #CAP}; an entry older than two
   * of those belongs to an instance that was deleted meanwhile.
   */
  private void forgetStale(Instant now) {
    Instant staleBefore = now.minus(CAP.multipliedBy(2));
    attempts.values().removeIf(a -> a.last().isBefore(staleBefore));
  }
}
