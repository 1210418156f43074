package io.claw.operator.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.claw.operator.api.ImageParts;

/** The resolver against a probe that answers as told and counts what it is asked. */
class TagResolverTest {

  private static final TagResolver.Key KEY = new TagResolver.Key(ImageParts.of("registry.example.com/app:stable"), null);

  private final AtomicInteger requests = new AtomicInteger();
  private final List<Long> askedAt = new CopyOnWriteArrayList<>();
  private final AtomicReference<ProbeAnswer> answer = new AtomicReference<>(ProbeAnswer.found("sha256:a"));
  private final List<Set<String>> told = new CopyOnWriteArrayList<>();
  private final Set<String> gone = ConcurrentHashMap.newKeySet();
  private TagResolver<String> resolver;

  private TagResolver<String> resolver(Duration interval, int budget, CountDownLatch release) {
    ManifestProbe probe = (image, credentials) -> {
      askedAt.add(System.nanoTime());
      requests.incrementAndGet();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer.get();
    };
    resolver = new TagResolver<>(probe, new ResolutionSchedule(interval, interval.multipliedBy(8), 0.1),
        new RegistryBudget(budget, interval), Clock.systemUTC(), 2);
    resolver.listen(told::add, id -> !gone.contains(id), (registry, outcome) -> { });
    return resolver;
  }

  @AfterEach
  void close() {
    if (resolver != null) {
      resolver.close();
    }
  }

  @Test
  void thousandInstancesOnOneTagMakeOneRequestAndAreAllTold() {
    CountDownLatch release = new CountDownLatch(1);
    resolver(Duration.ofMinutes(5), 100, release);
    for (int i = 0; i < 1000; i++) {
      assertEquals(Optional.empty(), resolver.lookup(KEY, java.util.List.of(), "i" + i, true));
    }
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> !told.isEmpty());
    assertEquals(1, requests.get());
    assertEquals(1, told.size());
    assertEquals(1000, told.get(0).size());
    assertEquals("sha256:a", resolver.lookup(KEY, java.util.List.of(), "late", true).orElseThrow().digest());
    assertEquals(1, requests.get(), "a later instance gets the known answer without a request");
    assertEquals(1, resolver.entries());
  }

  @Test
  void followersAreToldOnlyWhenTheDigestOrTheCauseChanges() {
    resolver(Duration.ofMillis(200), 1000, new CountDownLatch(0));
    resolver.lookup(KEY, java.util.List.of(), "a", true);
    await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() >= 4);
    assertEquals(1, told.size(), "the same digest again says nothing");
    answer.set(ProbeAnswer.found("sha256:b"));
    await().atMost(Duration.ofSeconds(5)).until(() -> told.size() == 2);
    answer.set(ProbeAnswer.failed(ProbeAnswer.Cause.UNAUTHORIZED, null, "HTTP 401"));
    await().atMost(Duration.ofSeconds(5)).until(() -> told.size() == 3);
    TagResolver.Resolution failed = resolver.lookup(KEY, java.util.List.of(), "a", true).orElseThrow();
    assertEquals("sha256:b", failed.digest(), "the last digest known is kept through a failure");
    assertEquals(ProbeAnswer.Cause.UNAUTHORIZED, failed.cause());
    int before = told.size();
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> told.size() == before);
  }

  @Test
  void retryAfterIsHonouredForEveryTagOfTheRegistry() {
    answer.set(ProbeAnswer.failed(ProbeAnswer.Cause.THROTTLED, Duration.ofSeconds(1), "HTTP 429"));
    resolver(Duration.ofMillis(100), 1000, new CountDownLatch(0));
    resolver.lookup(KEY, java.util.List.of(), "a", true);
    var other = new TagResolver.Key(ImageParts.of("registry.example.com/other:1"), null);
    await().atMost(Duration.ofSeconds(2)).until(() -> requests.get() == 1);
    resolver.lookup(other, java.util.List.of(), "b", true);
    await().atMost(Duration.ofSeconds(6)).until(() -> requests.get() >= 5);
    // times, not counts in a window: a slow machine delays requests but never brings one forward
    List<Long> rounds = new java.util.ArrayList<>(askedAt);
    long first = rounds.get(0);
    for (int i = 1; i < rounds.size(); i++) {
      long sinceFirst = TimeUnit.NANOSECONDS.toMillis(rounds.get(i) - first);
      assertTrue(sinceFirst >= 950, "request " + i + " came " + sinceFirst + " ms after the 429 that said 1 s");
    }
    // each later round asks each of the two tags once, then waits out the Retry-After again (at 100 ms, 10 each)
    long second = rounds.get(1);
    long inSecondRound = rounds.stream().filter(t -> t >= second && t - second < TimeUnit.MILLISECONDS.toNanos(900)).count();
    assertTrue(inSecondRound <= 2, inSecondRound + " requests within 900 ms of the first retry: " + rounds);
  }

  @Test
  void theBudgetCapsRequestsToARegistry() {
    resolver(Duration.ofSeconds(2), 3, new CountDownLatch(0));
    for (int i = 0; i < 10; i++) {
      resolver.lookup(new TagResolver.Key(ImageParts.of("registry.example.com/app-" + i + ":1"), null),
          java.util.List.of(), "i" + i, true);
    }
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> requests.get() == 3);
  }

  @Test
  void anEntryNobodyFollowsIsDroppedAndInstancesThatAreGoneStopBeingTold() {
    resolver(Duration.ofMillis(200), 1000, new CountDownLatch(0));
    resolver.lookup(KEY, java.util.List.of(), "pinned", true);
    await().atMost(Duration.ofSeconds(2)).until(() -> !told.isEmpty());
    resolver.lookup(KEY, java.util.List.of(), "pinned", false);
    await().atMost(Duration.ofSeconds(2)).until(() -> resolver.entries() == 0);
    int asked = requests.get();
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> requests.get() == asked);

    resolver.lookup(KEY, java.util.List.of(), "deleted", true);
    await().atMost(Duration.ofSeconds(2)).until(() -> resolver.entries() == 1 && requests.get() > asked);
    gone.add("deleted");
    await().atMost(Duration.ofSeconds(2)).until(() -> resolver.entries() == 0);
  }

  @Test
  void credentialsSeparateEntries() {
    resolver(Duration.ofMinutes(5), 100, new CountDownLatch(0));
    RegistryCredentials robot = new RegistryCredentials("robot", "pw");
    resolver.lookup(KEY, java.util.List.of(), "anonymous", true);
    resolver.lookup(new TagResolver.Key(KEY.image(), robot.fingerprint()), java.util.List.of(robot), "robot", true);
    await().atMost(Duration.ofSeconds(2)).until(() -> requests.get() == 2);
    assertEquals(2, resolver.entries());
  }

  /** As the kubelet: each matching credential in turn, the next only after the registry refused the one before. */
  @Test
  void eachCredentialIsTriedInTurnUntilTheRegistryTakesOne() {
    RegistryCredentials stale = new RegistryCredentials("old-robot", "expired");
    RegistryCredentials current = new RegistryCredentials("robot", "pw");
    List<String> tried = new CopyOnWriteArrayList<>();
    ManifestProbe probe = (image, credentials) -> {
      tried.add(credentials.map(RegistryCredentials::username).orElse("anonymous"));
      return credentials.filter(current::equals).isPresent() ? ProbeAnswer.found("sha256:b")
          : ProbeAnswer.failed(ProbeAnswer.Cause.UNAUTHORIZED, null, "HTTP 401");
    };
    resolver = new TagResolver<>(probe, new ResolutionSchedule(Duration.ofMinutes(5), Duration.ofMinutes(40), 0.1),
        new RegistryBudget(100, Duration.ofMinutes(5)), Clock.systemUTC(), 2);
    resolver.listen(told::add, id -> true, (registry, outcome) -> { });
    TagResolver.Key key = new TagResolver.Key(KEY.image(), stale.fingerprint() + "," + current.fingerprint());
    resolver.lookup(key, List.of(stale, current), "both", true);
    await().atMost(Duration.ofSeconds(2)).until(() -> !told.isEmpty());
    assertEquals(List.of("old-robot", "robot"), tried);
    assertEquals("sha256:b", resolver.lookup(key, List.of(stale, current), "both", true).orElseThrow().digest());
  }
}
