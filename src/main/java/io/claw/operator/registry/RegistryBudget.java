package io.claw.operator.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code perInterval} requests to one registry in any interval: a token bucket per
 * registry that holds {@code perInterval} tokens and refills them evenly over the interval.
 */
public final class RegistryBudget {

  private final int perInterval;
  private final Duration interval;
  private final Map<String, Bucket> buckets = new HashMap<>();

  private static final class Bucket {
    double tokens;
    Instant updated;
  }

  public RegistryBudget(int perInterval, Duration interval) {
    this.perInterval = perInterval;
    this.interval = interval;
  }

  /** Takes one request from the registry's budget; empty-handed, says how long until one is back. */
  public synchronized Duration take(String registry, Instant now) {
    Bucket bucket = buckets.computeIfAbsent(registry, r -> {
      Bucket b = new Bucket();
      b.tokens = perInterval;
      b.updated = now;
      return b;
    });
    double perMilli = (double) perInterval / Math.max(1, interval.toMillis());
    long elapsed = Math.max(0, Duration.between(bucket.updated, now).toMillis());
    bucket.tokens = Math.min(perInterval, bucket.tokens + elapsed * perMilli);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Duration.ZERO;
    }
    return Duration.ofMillis((long) Math.ceil((1 - bucket.tokens) / perMilli));
  }
}
