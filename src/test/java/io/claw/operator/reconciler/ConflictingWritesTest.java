package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.retryOnConflict;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;


import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.pod.Labels;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.KubeApiServerResource;
import io.claw.operator.testing.TestWatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Someone else writes to what the operator manages: it converges back, with one Pod per instance. */
@QuarkusTest
@WithTestResource(KubeApiServerResource.class)
class ConflictingWritesTest extends ApiServerTest {

  @Test
  void statusEditedBySomeoneElseIsPutBack() {
    client.resource(instance(ns, "app", "nginx:1.27", null)).create();
    ClawInstanceStatus original = awaitStatus(client, ns, "app", s -> s.pullPolicy() != null);

    client.resources(ClawInstance.class).inNamespace(ns).withName("app").editStatus(ci -> {
      ci.setStatus(original.toBuilder().phase(Phase.Running).message("all good").pullPolicy(PullPolicy.NEVER)
          .image("evil:1").imageID(null).pullFailureReason(null).build());
      return ci;
    });

    ClawInstanceStatus restored = awaitStatus(client, ns, "app",
        s -> s.pullPolicy() == PullPolicy.IF_NOT_PRESENT && "nginx:1.27".equals(s.image()));
    assertEquals(original.phase(), restored.phase());
    assertEquals(original.message(), restored.message());
    assertEquals(original.conditions(), restored.conditions());
  }

  /** kubectl patch --subresource=status, as a user with write access to status may do by hand. */
  private io.claw.operator.testing.Command.Result patchStatus(String name, String json) {
    return io.claw.operator.testing.KubeApiServerResource.cluster().kubectl(null, "patch", "claw", name, "-n", ns,
        "--subresource=status", "--type", "merge", "-p", json);
  }

  @Test
  void aHandEditedStatusWhateverItHoldsIsPutBack() {
    client.resource(instance(ns, "hand", "nginx:1.27", null)).create();
    ClawInstanceStatus original = awaitStatus(client, ns, "hand", s -> s.pullPolicy() != null);

    // what the schema refuses
    var untyped = patchStatus("hand", "{\"status\":{\"conditions\":[{\"reason\":\"HandEdited\"}]}}");
    assertNotEquals(0, untyped.exitCode(), untyped.output());
    // "status.conditions.type" in 1.20, "status.conditions[0].type" in later versions
    assertTrue(untyped.output().matches("(?s).*status\\.conditions(\\[0])?\\.type: Required value.*"), untyped.output());
    var maybe = patchStatus("hand", "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Maybe\"}]}}");
    assertNotEquals(0, maybe.exitCode(), maybe.output());

    // what it lets through: unknown types, a time that is no time, no conditions at all (repeated
    // types too on some versions; the unit test covers those)
    var odd = patchStatus("hand", """
        {"status":{"phase":"Running","conditions":[{"type":"HandEdited","status":"True"},
          {"type":"Ready","status":"True","lastTransitionTime":"yesterday"}]}}""");
    assertEquals(0, odd.exitCode(), odd.output());
    ClawInstanceStatus restored = awaitStatus(client, ns, "hand",
        s -> s.phase() == original.phase() && s.conditions().size() == original.conditions().size());
    assertEquals(original.conditions().stream().map(c -> c.type()).toList(),
        restored.conditions().stream().map(c -> c.type()).toList());
    restored.conditions().forEach(c -> java.time.Instant.parse(c.lastTransitionTime()));

    var none = patchStatus("hand", "{\"status\":{\"conditions\":null,\"message\":\"edited\"}}");
    assertEquals(0, none.exitCode(), none.output());
    assertEquals(original.message(), awaitStatus(client, ns, "hand",
        s -> s.conditions() != null && s.conditions().size() == original.conditions().size()).message());
  }

  /**
   * Another field manager (a policy engine, a controller, a user) adds a condition: the status is
   * the operator's (an atomic list), so one write takes it away, on every Kubernetes version, and a
   * reconcile with nothing changed then writes nothing.
   */
  @Test
  void aConditionOfAnotherManagerCostsOneWriteAndThenNone() {
    client.resource(instance(ns, "audited", "nginx:1.27", null)).create();
    awaitPod(client, ns, "audited", p -> true);
    ClawInstanceStatus settled = awaitStatus(client, ns, "audited", s -> s.podName() != null);
    List<ClawInstance> writes = new CopyOnWriteArrayList<>();
    try (var watch = TestWatch.start(client.resources(ClawInstance.class).inNamespace(ns)
        .withField("metadata.name", "audited"), (action, ci) -> {
          if (action == Watcher.Action.MODIFIED) {
            writes.add(ci);
          }
        })) {
      var added = KubeApiServerResource.cluster().kubectl(null, "patch", "claw", "audited", "-n", ns,
          "--subresource=status", "--field-manager=auditor", "--type=json", "-p",
          "[{\"op\":\"add\",\"path\":\"/status/conditions/-\",\"value\":"
              + "{\"type\":\"Audited\",\"status\":\"True\",\"reason\":\"PolicyChecked\"}}]");
      assertEquals(0, added.exitCode(), added.output());
      await().until(() -> writes.size() == 2);
      assertEquals(settled, writes.get(1).getStatus(), "the operator's one write puts its status back");

      // a Pod event brings a reconcile that finds nothing to change
      client.pods().inNamespace(ns).withName("audited").edit(p -> new PodBuilder(p).editMetadata()
          .addToAnnotations("example.com/touched", "1").endMetadata().build());
      await().during(java.time.Duration.ofSeconds(3)).atMost(java.time.Duration.ofSeconds(5))
          .until(() -> writes.size() == 2);
    }
  }

  /**
   * A field of the operator's that someone else set while the operator's status has none is one
   * that server-side apply leaves in place (it removes only what the applier owned): the operator
   * removes it, and then writes nothing more.
   */
  @Test
  void aFieldSetByHandThatTheStatusDoesNotHaveIsRemoved() {
    client.resource(instance(ns, "leftover", "nginx:1.27", null)).create();
    awaitPod(client, ns, "leftover", p -> true);
    ClawInstanceStatus settled = awaitStatus(client, ns, "leftover", s -> s.podName() != null);

    var set = patchStatus("leftover", "{\"status\":{\"pullFailureReason\":\"ErrImagePull\",\"imageID\":\"x\","
        + "\"podSecurity\":{\"profile\":\"baseline\",\"reason\":\"by hand\"},\"pullFailure\":{\"cause\":\"Unauthorized\"}}}");
    assertEquals(0, set.exitCode(), set.output());
    ClawInstanceStatus putBack = awaitStatus(client, ns, "leftover", s -> s.pullFailureReason() == null
        && s.imageID() == null && s.pullFailure() == null && !s.podSecurity().reason().equals("by hand"));
    assertEquals(settled, putBack);
    List<String> writes = new CopyOnWriteArrayList<>();
    try (var watch = TestWatch.start(client.resources(ClawInstance.class).inNamespace(ns)
        .withField("metadata.name", "leftover"), (action, ci) -> {
          if (action == Watcher.Action.MODIFIED) {
            writes.add(ci.getMetadata().getResourceVersion());
          }
        })) {
      client.pods().inNamespace(ns).withName("leftover").edit(p -> new PodBuilder(p).editMetadata()
          .addToAnnotations("example.com/touched", "1").endMetadata().build());
      await().during(java.time.Duration.ofSeconds(3)).atMost(java.time.Duration.ofSeconds(5))
          .until(writes::isEmpty);
    }
  }

  @Test
  void aCopyOfOurPodUnderAnotherNameDoesNotStopTheInstanceBeingServed() {
    client.resource(instance(ns, "copied", "nginx:1.27", null)).create();
    Pod ours = awaitPod(client, ns, "copied", p -> true);
    // someone copies the Pod, labels and owner reference included (kubectl get -o yaml | edit name | apply)
    client.resource(new PodBuilder(ours).editMetadata().withName("copied-by-hand").withUid(null)
        .withResourceVersion(null).withCreationTimestamp(null).endMetadata().withStatus(null).build()).create();

    kubeletReports(client, ns, "copied", waiting("ErrImagePull", "pull access denied"));
    ClawInstanceStatus status = awaitStatus(client, ns, "copied", s -> s.phase() == Phase.ImagePullFailed);
    assertEquals("copied", status.podName());
    editSpec(client, ns, "copied", spec -> spec.setImage("nginx:1.28"));
    awaitPod(client, ns, "copied", p -> "nginx:1.28".equals(p.getSpec().getContainers().get(0).getImage()));
    assertEquals("nginx:1.27", client.pods().inNamespace(ns).withName("copied-by-hand").get()
        .getSpec().getContainers().get(0).getImage(), "the copy is not ours to change");
  }

  @Test
  void podLabelsRemovedBySomeoneElseArePutBackAndItsEventsFollowAgain() {
    client.resource(instance(ns, "app", "nginx:1.27", null)).create();
    awaitStatus(client, ns, "app", s -> s.pullPolicy() != null);

    client.pods().inNamespace(ns).withName("app").edit(p -> new PodBuilder(p).editMetadata()
        .removeFromLabels(Labels.MANAGED_BY).removeFromLabels(Labels.INSTANCE).endMetadata().build());

    awaitPod(client, ns, "app", p -> Labels.MANAGED_BY_VALUE.equals(p.getMetadata().getLabels().get(Labels.MANAGED_BY))
        && "app".equals(p.getMetadata().getLabels().get(Labels.INSTANCE)));
    kubeletReports(client, ns, "app", waiting("ErrImagePull", "pull access denied"));
    awaitStatus(client, ns, "app", s -> "ErrImagePull".equals(s.pullFailureReason()));
    assertEquals(1, client.pods().inNamespace(ns).list().getItems().size());
  }

  /**
   * The operator changes a Pod's image only when the instance's image changes (it compares with
   * its claw.io/image annotation), so an image rewritten on the Pod, as registry-mirror admission
   * webhooks do, is not fought over: no patch loop, no recreate.
   */
  @Test
  void podImageRewrittenBySomeoneElseIsNotFoughtOver() {
    client.resource(instance(ns, "app", "nginx:1.27", null)).create();
    String uid = awaitPod(client, ns, "app", p -> true).getMetadata().getUid();

    client.pods().inNamespace(ns).withName("app").edit(p -> new PodBuilder(p).editSpec().editFirstContainer()
        .withImage("mirror.example.com/nginx:1.27").endContainer().endSpec().build());
    kubeletReports(client, ns, "app", waiting("ContainerCreating", ""));

    await().during(java.time.Duration.ofSeconds(2)).until(() -> {
      Pod pod = client.pods().inNamespace(ns).withName("app").get();
      return uid.equals(pod.getMetadata().getUid())
          && "mirror.example.com/nginx:1.27".equals(pod.getSpec().getContainers().get(0).getImage());
    });
    assertEquals("nginx:1.27", awaitStatus(client, ns, "app", s -> s.image() != null).image());
  }

  /**
   * Spec edits that race each other (resourceVersion conflicts, retried by the writers) while the
   * kubelet writes Pod status: the last spec wins, on the one Pod, and the operator's own status
   * writes, which carry no resourceVersion, never conflict with the edits (no error status).
   */
  @Test
  void racingSpecEditsAndKubeletWritesConvergeOnTheLastSpec() throws Exception {
    client.resource(instance(ns, "app", "nginx:1.0", null)).create();
    awaitPod(client, ns, "app", p -> true);

    List<String> errorStatuses = new CopyOnWriteArrayList<>();
    ExecutorService writers = Executors.newFixedThreadPool(3);
    try (var watch = TestWatch.start(client.resources(ClawInstance.class).inNamespace(ns).withField("metadata.name", "app"),
        (action, ci) -> {
          if (ci.getStatus() != null && ci.getStatus().condition(ClawCondition.READY)
              .filter(c -> "ReconcileError".equals(c.reason())).isPresent()) {
            errorStatuses.add(ci.getStatus().message());
          }
        })) {
      Future<?> kubelet = writers.submit(() -> {
        for (int i = 0; i < 20; i++) {
          String message = "attempt " + i;
          retryOnConflict(() -> kubeletReports(client, ns, "app", waiting("ContainerCreating", message)));
        }
      });
      Future<?> editorA = writers.submit(() -> editImages("a", 10));
      Future<?> editorB = writers.submit(() -> editImages("b", 10));
      editorA.get(60, TimeUnit.SECONDS);
      editorB.get(60, TimeUnit.SECONDS);
      kubelet.get(60, TimeUnit.SECONDS);
    } finally {
      writers.shutdownNow();
    }

    String last = client.resources(ClawInstance.class).inNamespace(ns).withName("app").get().getSpec().getImage();
    awaitPod(client, ns, "app", p -> last.equals(p.getSpec().getContainers().get(0).getImage()));
    awaitStatus(client, ns, "app", s -> last.equals(s.image()));
    await().during(java.time.Duration.ofSeconds(1)).until(
        () -> client.pods().inNamespace(ns).list().getItems().size() == 1);
    assertEquals(List.of(), errorStatuses, "statuses that reported a failed reconcile");
  }

  private void editImages(String editor, int count) {
    for (int i = 1; i <= count; i++) {
      String image = "registry.example.com/" + editor + ":" + i;
      editSpec(client, ns, "app", spec -> spec.setImage(image));
    }
  }
}
