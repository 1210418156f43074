package io.claw.operator.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Watchable;

/**
 * The objects a watch has shown matching a condition, and when each was first seen so. Waiting
 * on it costs the API server one watch instead of repeated lists of N objects, which would load
 * the server being measured.
 */
public final class Seen<T extends HasMetadata> implements AutoCloseable {

  /** name -> System.nanoTime() when the watch first showed it matching */
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final Watch watch;

  private Seen(Watchable<T> source, Predicate<T> condition) {
    this.watch = source.watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        long now = System.nanoTime();
        if (action != Action.DELETED && condition.test(resource)) {
          firstSeen.putIfAbsent(resource.getMetadata().getName(), now);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
  }

  /** Start it before the objects are written, in a namespace that starts out empty. */
  public static <T extends HasMetadata> Seen<T> watch(Watchable<T> source, Predicate<T> condition) {
    return new Seen<>(source, condition);
  }

  public int count() {
    return firstSeen.size();
  }

  /** When the named object was first seen matching (System.nanoTime()), or null. */
  public Long firstSeen(String name) {
    return firstSeen.get(name);
  }

  @Override
  public void close() {
    watch.close();
  }
}
