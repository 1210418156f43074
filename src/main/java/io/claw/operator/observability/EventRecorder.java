package io.claw.operator.observability;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Writes Events in the background, as Kubernetes' own recorders do: an Event is a courtesy, so it
 * must neither delay the status patch that follows a pull failure nor fail the reconcile. The
 * queue is bounded; when a burst overflows it, Events are dropped and counted in the log.
 */
@ApplicationScoped
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final int QUEUE_CAPACITY = 1000;

  private final KubernetesClient client;
  private final AtomicLong dropped = new AtomicLong();
  private final ExecutorService writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new ArrayBlockingQueue<>(QUEUE_CAPACITY), runnable -> {
        Thread thread = new Thread(runnable, "claw-event-recorder");
        thread.setDaemon(true);
        return thread;
      });

  @Inject
  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void record(Event event) {
    try {
      writer.execute(() -> write(event));
    } catch (RejectedExecutionException e) {
      long count = dropped.incrementAndGet();
      if (Long.bitCount(count) == 1) { // 1st, 2nd, 4th, 8th...: a burst does not flood the log
        LOG.warnf("Dropped %d Events so far: more than %d waiting to be written", count, QUEUE_CAPACITY);
      }
    }
  }

  /** Events dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  private void write(Event event) {
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warnf("Could not record Event %s on %s: %s", event.getReason(), event.getInvolvedObject().getName(),
          e.getMessage());
    }
  }

  /** Writes what is queued, for a few seconds at most, before the client goes away. */
  @PreDestroy
  void flush() throws InterruptedException {
    writer.shutdown();
    if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
      LOG.warnf("Shutting down with %d Events not written", writer.shutdownNow().size());
    }
  }
}
