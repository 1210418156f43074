package io.claw.operator.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

class EventRecorderTest {

  private static Event event(int i) {
    return new EventBuilder().withNewMetadata().withName("e" + i).withNamespace("ns").endMetadata()
        .withNewInvolvedObject().withName("app").endInvolvedObject().withReason("ErrImagePull").build();
  }

  /** A client of an API server that accepts connections and never answers: every write hangs. */
  private static KubernetesClient clientOf(ServerSocket silent) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
        .withRequestTimeout(60_000).withRequestRetryBackoffLimit(0).build()).build();
  }

  /** An API server that accepts connections and never answers: every write hangs. */
  @Test
  void aBurstLargerThanTheQueueIsDroppedWithoutBlockingTheCaller() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient client = clientOf(silent)) {
      EventRecorder recorder = new EventRecorder(client);

      long start = System.nanoTime();
      for (int i = 0; i < 1_010; i++) {
        recorder.record(event(i));
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      // one Event being written, 1,000 queued, the rest dropped
      assertEquals(9, recorder.dropped());
      // a writer that waited for the API server would take a minute per Event
      assertTrue(millis < 5_000, "record() must not wait for the API server: took " + millis + " ms");
    }
  }

  /**
   * Stopping drains the queue for a bounded time; what is left is dropped and counted, and
   * nothing recorded after the stop is written to a client that is about to close.
   */
  @Test
  void stoppingDrainsForABoundedTimeAndCountsWhatIsLeft() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient client = clientOf(silent)) {
      EventRecorder recorder = new EventRecorder(client);
      for (int i = 0; i < 10; i++) {
        recorder.record(event(i));
      }
      long start = System.nanoTime();
      recorder.drain();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < EventRecorder.DRAIN_FOR.toMillis() + 2_000, "drained for " + millis + " ms");
      recorder.record(event(10));
      // 9 queued behind the one hanging write, which the stop cuts short, and 1 after the stop
      assertEquals(11, recorder.droppedAtStop());
      assertEquals(0, recorder.dropped(), "none for a full queue");
    }
  }
}
