package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RetryBackOffTest {

  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void doublesUpToTheCapAndStartsOverWhenForgotten() {
    RetryBackOff backOff = new RetryBackOff();
    assertEquals(Duration.ofSeconds(1), backOff.next("a", T0));
    assertEquals(Duration.ofSeconds(2), backOff.next("a", T0));
    assertEquals(Duration.ofSeconds(4), backOff.next("a", T0));
    for (int i = 0; i < 40; i++) {
      backOff.next("a", T0);
    }
    assertEquals(RetryBackOff.CAP, backOff.next("a", T0));
    assertEquals(Duration.ofSeconds(1), backOff.next("b", T0), "one count per instance");
    backOff.forget("a");
    assertEquals(Duration.ofSeconds(1), backOff.next("a", T0));
  }

  @Test
  void entriesOfInstancesNoLongerTriedAreDropped() {
    RetryBackOff backOff = new RetryBackOff();
    backOff.next("deleted-meanwhile", T0);
    backOff.next("b", T0.plus(RetryBackOff.CAP.multipliedBy(3)));
    backOff.next("c", T0.plus(RetryBackOff.CAP.multipliedBy(3)));
    backOff.next("d", T0.plus(RetryBackOff.CAP.multipliedBy(3)));
    assertEquals(3, backOff.size(), "a stale entry goes when the map grows to a power of two");
  }
}
