package io.claw.operator.testing;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;

/**
 * A test's watch that cannot pass silently. It lists first, hands each listed object over as
 * ADDED (as a watch from "" does), and watches from the list's resourceVersion: a watch from "" or
 * "0" is a streaming watch (WatchList) on API servers from 1.34 on, which needs storage features
 * that Debian's etcd 3.4 lacks, and then never opens. A watch that closes with an error fails the
 * test: {@link #close()} and {@link #check()} throw with the error.
 */
public final class TestWatch<T extends HasMetadata> implements AutoCloseable {

  private final Watch watch;
  private final String description;
  private final String fromResourceVersion;
  private final AtomicReference<WatcherException> failure = new AtomicReference<>();

  private TestWatch(FilterWatchListDeletable<T, ? extends KubernetesResourceList<T>, ?> source,
      String fromResourceVersion, BiConsumer<Watcher.Action, T> onEvent) {
    this.description = String.valueOf(source);
    this.fromResourceVersion = fromResourceVersion;
    this.watch = source.watch(new ListOptionsBuilder().withResourceVersion(fromResourceVersion).build(),
        new Watcher<>() {
          @Override
          public void eventReceived(Action action, T resource) {
            onEvent.accept(action, resource);
          }

          @Override
          public void onClose(WatcherException cause) {
            failure.compareAndSet(null, cause);
          }
        });
  }

  /**
   * @param source what to watch, e.g. {@code client.pods().inNamespace(ns)}
   * @param onEvent called with ADDED for each listed object, then for each event; a DELETED one included
   */
  public static <T extends HasMetadata> TestWatch<T> start(
      FilterWatchListDeletable<T, ? extends KubernetesResourceList<T>, ?> source, BiConsumer<Watcher.Action, T> onEvent) {
    KubernetesResourceList<T> listed = source.list();
    listed.getItems().forEach(item -> onEvent.accept(Watcher.Action.ADDED, item));
    return new TestWatch<>(source, listed.getMetadata().getResourceVersion(), onEvent);
  }

  /** The resourceVersion the watch started from: that of the list made just before it. */
  public String fromResourceVersion() {
    return fromResourceVersion;
  }

  /** Throws if the watch has closed with an error. */
  public void check() {
    WatcherException cause = failure.get();
    if (cause != null) {
      throw new AssertionError("the test's watch (" + description + ", from resourceVersion " + fromResourceVersion
          + ") closed with an error, so what it counted is not what happened: " + cause.getMessage(), cause);
    }
  }

  @Override
  public void close() {
    watch.close();
    check();
  }
}
