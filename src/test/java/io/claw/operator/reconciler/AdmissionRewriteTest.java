package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.instance;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;


import org.junit.jupiter.api.Test;

import io.claw.operator.api.PullPolicy;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.KubeApiServerResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * With the AlwaysPullImages admission plugin the live Pod's policy never matches the desired
 * one. The operator must not read that as drift: no recreate loop, and image updates still work.
 */
@QuarkusTest
@WithTestResource(AdmissionRewriteTest.AlwaysPullImagesServer.class)
class AdmissionRewriteTest extends ApiServerTest {

  public static class AlwaysPullImagesServer extends KubeApiServerResource {
    @Override
    protected String[] apiServerFlags() {
      return new String[] {"--enable-admission-plugins", "AlwaysPullImages"};
    }
  }

  @Test
  void rewrittenPolicyDoesNotCauseRecreateAndImageUpdatesStillApply() {
    client.resource(instance(ns, "rw", "nginx:1.26", PullPolicy.IF_NOT_PRESENT)).create();
    Pod pod = awaitPod(client, ns, "rw", p -> true);
    assertEquals("Always", pod.getSpec().getContainers().get(0).getImagePullPolicy(), "rewritten by admission");
    String uid = pod.getMetadata().getUid();

    // Any Pod event makes the operator look at the Pod again.
    client.pods().inNamespace(ns).withName("rw").edit(p -> new PodBuilder(p).editMetadata()
        .addToLabels("touched", "yes").endMetadata().build());
    await().during(Duration.ofSeconds(2)).until(
        () -> uid.equals(client.pods().inNamespace(ns).withName("rw").get().getMetadata().getUid()));

    editSpec(client, ns, "rw", spec -> spec.setImage("nginx:1.27"));
    Pod updated = awaitPod(client, ns, "rw", p -> "nginx:1.27".equals(p.getSpec().getContainers().get(0).getImage()));
    assertEquals(uid, updated.getMetadata().getUid(), "updated in place, not recreated");
  }
}
