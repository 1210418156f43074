package io.claw.operator.observability;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Writes Events in the background, as Kubernetes' own recorders do: an Event is a courtesy, so it
 * must neither delay the status patch that follows a pull failure nor fail the reconcile. The
 * queue is bounded; when a burst overflows it, Events are dropped and counted in the log.
 */
@ApplicationScoped
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final int QUEUE_CAPACITY = 1000;
  static final Duration DRAIN_FOR = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedAtStop = new AtomicLong();
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
      if (writer.isShutdown()) {
        droppedAtStop.incrementAndGet(); // a reconcile that finished while the operator stops
        return;
      }
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
    } catch (RuntimeException e) { // KubernetesClientException, or the client closing under it
      if (writer.isShutdown()) {
        droppedAtStop.incrementAndGet(); // cut short by the stop
        return;
      }
      LOG.warnf("Could not record Event %s on %s: %s", event.getReason(), event.getInvolvedObject().getName(),
          e.getMessage());
    }
  }

  /**
   * Writes what is queued, for {@link #DRAIN_FOR} at most, when the application stops: on the
   * shutdown event, before the Kubernetes client is closed, so that no write meets a closed
   * client. What is not written by then is dropped, and one line says how many.
   */
  void onStop(@Observes ShutdownEvent stop) throws InterruptedException {
    drain();
  }

  void drain() throws InterruptedException {
    writer.shutdown();
    if (!writer.awaitTermination(DRAIN_FOR.toMillis(), TimeUnit.MILLISECONDS)) {
      droppedAtStop.addAndGet(writer.shutdownNow().size());
      writer.awaitTermination(1, TimeUnit.SECONDS);
    }
    long lost = droppedAtStop.get();
    if (lost > 0) {
      LOG.infof("Stopped with %d Events not written", lost);
    }
  }

  /** Events not written because the operator stopped. */
  long droppedAtStop() {
    return droppedAtStop.get();
  }
}
