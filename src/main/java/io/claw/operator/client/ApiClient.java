package io.claw.operator.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The operator's API client, built as Quarkus builds its default one (Quarkus's {@link Config},
 * the serialization of {@link ClientSerialization}), with one thread of its own for the client's
 * callbacks. fabric8 hands each watch event from the event loop to its task executor, and each
 * informer hands it once more to each listener the same way; its default executor is a cached
 * thread pool, on which a hand-off that finds no thread at work wakes one, two wake-ups per event.
 * One thread that takes every watcher's and informer's callbacks in turn stays at work while
 * events come, and the serial order of each watcher and listener is kept (fabric8 still queues
 * them per watcher and per listener). JOSDK's handlers only file events and start reconciles on
 * its own threads, so one thread keeps up (docs/benchmark.md, "Levers: one thread for the
 * client's callbacks, one event loop").
 *
 * <p>Not the event loop itself (a direct executor): JOSDK's handler of instance events waits for
 * its event source to start, which needs the event loop to read the first list, and the operator
 * hung at start with it.
 */
@Singleton
public class ApiClient {

  /** The thread that runs every watcher's and informer's callbacks. */
  public static final String CALLBACK_THREAD = "claw-api-callbacks";

  private final ExecutorService callbacks = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, CALLBACK_THREAD);
    thread.setDaemon(true);
    return thread;
  });

  @Produces
  @Singleton
  KubernetesClient kubernetesClient(KubernetesSerialization serialization, Config config) {
    return new KubernetesClientBuilder()
        .withKubernetesSerialization(serialization)
        .withConfig(config)
        .withTaskExecutor(callbacks)
        .build();
  }

  void close(@Disposes KubernetesClient client) {
    client.close();
    callbacks.shutdownNow();
  }
}
