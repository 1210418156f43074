package io.claw.operator.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import io.claw.operator.api.ImageParts;

/**
 * Resolves tags to digests on behalf of many instances: one entry, and one request per interval,
 * per distinct image and credentials, however many instances share them. Instances that follow
 * an entry are told (through {@code onChange}) when its digest, or the reason there is none,
 * changes; nothing is said when the registry repeats itself, so a quiet interval writes nothing.
 *
 * <p>Requests run on the resolver's own threads, never in a reconcile. They stay within a budget
 * per registry, and back off together for a registry that answers 429, 5xx, or not at all, for at
 * least as long as its Retry-After asks.
 *
 * @param <I> how instances are named
 */
public final class TagResolver<I> implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TagResolver.class);

  /** The image by tag, and whose credentials ask for it (null: anonymous). */
  public record Key(ImageParts image, String credentials) {
  }

  /**
   * The registry's last word on a tag.
   *
   * @param digest the tag's digest; with a failure, the last digest known, if any
   * @param since when the tag was first seen at this digest
   * @param cause why the last request gave no digest; null when it gave one
   */
  public record Resolution(String digest, Instant since, ProbeAnswer.Cause cause, String message) {

    public boolean current() {
      return cause == null;
    }
  }

  private final class Entry {
    final Key key;
    /** Every credential that matches the image, in the kubelet's order: tried in turn. */
    volatile List<RegistryCredentials> credentials = List.of();
    volatile Resolution resolution;
    final Set<I> followers = ConcurrentHashMap.newKeySet();
    int failuresInARow;
    boolean scheduled;
    boolean dropped;

    Entry(Key key) {
      this.key = key;
    }
  }

  private final ManifestProbe probe;
  private final ResolutionSchedule schedule;
  private final RegistryBudget budget;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private final Map<I, Key> following = new ConcurrentHashMap<>();
  private final Map<String, Instant> registryQuietUntil = new ConcurrentHashMap<>();
  private volatile Consumer<Set<I>> onChange = ids -> { };
  private volatile Predicate<I> stillThere = id -> true;
  private volatile BiConsumer<String, String> onRequest = (registry, outcome) -> { };

  public TagResolver(ManifestProbe probe, ResolutionSchedule schedule, RegistryBudget budget, Clock clock, int threads) {
    this.probe = probe;
    this.schedule = schedule;
    this.budget = budget;
    this.clock = clock;
    this.executor = Executors.newScheduledThreadPool(threads, r -> {
      Thread t = new Thread(r, "claw-tag-resolver");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * @param onChange told which instances to look again at, when an entry they follow changes
   * @param stillThere whether an instance still exists; the ones gone are dropped from entries
   * @param onRequest told of each request: the registry and how it went (a digest, or the cause)
   */
  public void listen(Consumer<Set<I>> onChange, Predicate<I> stillThere, BiConsumer<String, String> onRequest) {
    this.onChange = onChange;
    this.stillThere = stillThere;
    this.onRequest = onRequest;
  }

  /**
   * What is known of a tag now, and a request for it if nothing is known or asked yet.
   *
   * @param follow true: the instance is told when the entry changes (track, or pin before its
   *     first digest); false: it stops following whatever it followed
   */
  public Optional<Resolution> lookup(Key key, List<RegistryCredentials> credentials, I instance, boolean follow) {
    Entry entry = entries.computeIfAbsent(key, Entry::new);
    if (!credentials.isEmpty()) {
      entry.credentials = List.copyOf(credentials);
    }
    if (follow) {
      Key before = following.put(instance, key);
      if (before != null && !before.equals(key)) {
        Optional.ofNullable(entries.get(before)).ifPresent(e -> e.followers.remove(instance));
      }
      entry.followers.add(instance);
    } else {
      forget(instance);
    }
    synchronized (entry) {
      if (entry.dropped) {
        // dropped between computeIfAbsent and here: a new entry takes the instance
        return lookup(key, credentials, instance, follow);
      }
      if (!entry.scheduled) {
        entry.scheduled = true;
        executor.execute(() -> run(entry));
      }
    }
    return Optional.ofNullable(entry.resolution);
  }

  /** The instance no longer resolves tags (or not this way): it follows no entry. */
  public void forget(I instance) {
    Key key = following.remove(instance);
    if (key != null) {
      Optional.ofNullable(entries.get(key)).ifPresent(e -> e.followers.remove(instance));
    }
  }

  /**
   * One request per credential, as the kubelet pulls: the next is tried only when the registry
   * refused the one before (401, 403); anonymous without any.
   */
  private ProbeAnswer head(ImageParts image, List<RegistryCredentials> credentials, String registry) {
    List<Optional<RegistryCredentials>> tries = credentials.isEmpty() ? List.of(Optional.empty())
        : credentials.stream().map(Optional::of).toList();
    ProbeAnswer answer = null;
    for (Optional<RegistryCredentials> credential : tries) {
      answer = probe.head(image, credential);
      onRequest.accept(registry, answer.ok() ? "digest" : answer.cause().name().toLowerCase(java.util.Locale.ROOT));
      if (answer.ok() || answer.cause() != ProbeAnswer.Cause.UNAUTHORIZED) {
        break;
      }
    }
    return answer;
  }

  /** Distinct entries now held: one per image and credentials. */
  public int entries() {
    return entries.size();
  }

  private void run(Entry entry) {
    try {
      runGuarded(entry);
    } catch (RuntimeException e) {
      LOG.errorf(e, "Resolving %s failed unexpectedly; trying again in %s", describe(entry.key), schedule.interval());
      later(entry, schedule.interval());
    }
  }

  private void runGuarded(Entry entry) {
    entry.followers.removeIf(id -> !stillThere.test(id));
    synchronized (entry) {
      if (entry.followers.isEmpty() && entry.resolution != null) {
        // nobody follows it: it served the instances that asked, and is dropped rather than asked again
        entry.dropped = true;
        entries.remove(entry.key, entry);
        return;
      }
    }
    Instant now = clock.instant();
    String registry = entry.key.image().registry();
    Instant quietUntil = registryQuietUntil.get(registry);
    if (quietUntil != null && quietUntil.isAfter(now)) {
      later(entry, schedule.stretch(Duration.between(now, quietUntil), ThreadLocalRandom.current().nextDouble()));
      return;
    }
    Duration noBudget = budget.take(registry, now);
    if (!noBudget.isZero()) {
      later(entry, schedule.stretch(noBudget, ThreadLocalRandom.current().nextDouble()));
      return;
    }
    ProbeAnswer answer = head(entry.key.image(), entry.key.credentials() == null ? List.of() : entry.credentials,
        registry);
    Instant answered = clock.instant();
    entry.failuresInARow = answer.backOff() ? entry.failuresInARow + 1 : 0;
    Duration wait = schedule.after(answer, entry.failuresInARow, ThreadLocalRandom.current().nextDouble());
    if (answer.backOff()) {
      registryQuietUntil.merge(registry, answered.plus(wait), (a, b) -> a.isAfter(b) ? a : b);
    }
    Resolution before = entry.resolution;
    Resolution after = next(before, answer, answered);
    entry.resolution = after;
    if (changed(before, after)) {
      if (before != null && after.current() && before.digest() != null && !before.digest().equals(after.digest())) {
        LOG.infof("%s moved from %s to %s", describe(entry.key), before.digest(), after.digest());
      } else if (!after.current() && (before == null || before.cause() != after.cause())) {
        LOG.infof("Cannot resolve %s: %s; asking again in %d s", describe(entry.key), after.message(), wait.toSeconds());
      }
      Set<I> told = Set.copyOf(entry.followers);
      if (!told.isEmpty()) {
        onChange.accept(told);
      }
    }
    later(entry, wait);
  }

  static <I> Resolution next(Resolution before, ProbeAnswer answer, Instant now) {
    if (answer.ok()) {
      boolean same = before != null && answer.digest().equals(before.digest()) && before.since() != null;
      return new Resolution(answer.digest(), same ? before.since() : now, null, null);
    }
    return new Resolution(before == null ? null : before.digest(), before == null ? null : before.since(),
        answer.cause(), answer.message());
  }

  /** Worth telling the followers: another digest, or another reason for having none. */
  static boolean changed(Resolution before, Resolution after) {
    return before == null || !Objects.equals(before.digest(), after.digest()) || before.cause() != after.cause();
  }

  private void later(Entry entry, Duration wait) {
    executor.schedule(() -> run(entry), Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
  }

  private static String describe(Key key) {
    ImageParts image = key.image();
    return image.registry() + "/" + image.repository() + ":" + image.tag()
        + (key.credentials() == null ? "" : " (with credentials)");
  }

  /** For tests: the instances following each entry. */
  List<Set<I>> followers() {
    return entries.values().stream().map(e -> Set.copyOf(e.followers)).toList();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
