package io.claw.operator.testing;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles of measured figures, nearest-rank, as the benchmark and the real-node report print them. */
public final class Stats {

  private Stats() {
  }

  /** The p-th percentile (nearest rank) of values sorted ascending. */
  public static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** "median M, p99 P, min A, max B over N: [values]" */
  public static String summary(Collection<Long> values) {
    double[] sorted = sorted(values);
    return "median %.0f, p99 %.0f, min %.0f, max %.0f over %d: %s".formatted(percentile(sorted, 50),
        percentile(sorted, 99), sorted[0], sorted[sorted.length - 1], sorted.length, values);
  }

  private static double[] sorted(Collection<Long> values) {
    double[] sorted = values.stream().mapToDouble(Long::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }
}
