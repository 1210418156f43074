package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.claw.operator.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The delete of a Pod judged stale, against a real API server: only that Pod, in that state. */
class OwnedPodDeletionTest {

  private static TestCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = new TestCluster("pod-deletion-test").withoutCrds().start();
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  @Test
  void aPodThatChangedSinceItWasJudgedIsLeftForTheNextJudgement() {
    String ns = newNamespace(client);
    Pod judged = client.resource(pod(ns)).create();
    // the kubelet writes its status in between: the judgement may no longer hold (it may have started)
    kubeletReports(client, ns, "app", waiting("ErrImagePull", "not found"));

    assertFalse(OwnedPod.deleteJudged(client, judged, null));
    Pod now = client.pods().inNamespace(ns).withName("app").get();
    assertEquals(judged.getMetadata().getUid(), now.getMetadata().getUid());
    assertNull(now.getMetadata().getDeletionTimestamp(), "left in place");

    assertTrue(OwnedPod.deleteJudged(client, now, null), "judged as it is now, it goes");
    await().until(() -> client.pods().inNamespace(ns).withName("app").get() == null);
  }

  @Test
  void aNewerPodOfTheSameNameIsNeverDeleted() {
    String ns = newNamespace(client);
    Pod judged = client.resource(pod(ns)).create();
    client.resource(judged).withGracePeriod(0).delete();
    await().until(() -> client.pods().inNamespace(ns).withName("app").get() == null);
    Pod newer = client.resource(pod(ns)).create();

    assertFalse(OwnedPod.deleteJudged(client, judged, null));
    Pod now = client.pods().inNamespace(ns).withName("app").get();
    assertEquals(newer.getMetadata().getUid(), now.getMetadata().getUid());
    assertNull(now.getMetadata().getDeletionTimestamp());
  }

  private static Pod pod(String ns) {
    return new PodBuilder().withNewMetadata().withNamespace(ns).withName("app").endMetadata()
        .withNewSpec().addNewContainer().withName("claw").withImage("registry.example.com/app:1").endContainer()
        .endSpec().build();
  }
}
