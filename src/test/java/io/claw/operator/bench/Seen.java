package io.claw.operator.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Watchable;

/**
 * The names of the objects a watch has shown matching a condition. Waiting on it costs the API
 * server one watch instead of repeated lists of N objects, which would load the server being
 * measured.
 */
final class Seen<T extends HasMetadata> implements AutoCloseable {

  private final Set<String> names = ConcurrentHashMap.newKeySet();
  private final Watch watch;

  private Seen(Watchable<T> source, Predicate<T> condition) {
    this.watch = source.watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action != Action.DELETED && condition.test(resource)) {
          names.add(resource.getMetadata().getName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
  }

  /** Start it before the objects are written, in a namespace that starts out empty. */
  static <T extends HasMetadata> Seen<T> watch(Watchable<T> source, Predicate<T> condition) {
    return new Seen<>(source, condition);
  }

  int count() {
    return names.size();
  }

  @Override
  public void close() {
    watch.close();
  }
}
