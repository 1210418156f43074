package io.claw.operator.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;

/**
 * The objects a watch has shown matching a condition, and when each was first seen so. Waiting
 * on it costs the API server one watch instead of repeated lists of N objects, which would load
 * the server being measured.
 */
public final class Seen<T extends HasMetadata> implements AutoCloseable {

  /** name -> System.nanoTime() when the watch first showed it matching */
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final TestWatch<T> watch;

  private Seen(FilterWatchListDeletable<T, ? extends KubernetesResourceList<T>, ?> source, Predicate<T> condition) {
    this.watch = TestWatch.start(source, (action, resource) -> {
      long now = System.nanoTime();
      if (action != Watcher.Action.DELETED && condition.test(resource)) {
        firstSeen.putIfAbsent(resource.getMetadata().getName(), now);
      }
    });
  }

  /** Start it before the objects are written, in a namespace that starts out empty. */
  public static <T extends HasMetadata> Seen<T> watch(
      FilterWatchListDeletable<T, ? extends KubernetesResourceList<T>, ?> source, Predicate<T> condition) {
    return new Seen<>(source, condition);
  }

  public int count() {
    watch.check();
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
