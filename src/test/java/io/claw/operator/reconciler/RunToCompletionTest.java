package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.kubeletEnds;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.InstanceRun;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.Labels;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.KubeApiServerResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Instances that run to completion against a real API server, the kubelet's reports simulated:
 * completion with the exit code, retries counted once and disruptions not at all, the back-off
 * limit, the deadline, the time to live, and a pull failure that ends the run.
 */
@QuarkusTest
@WithTestResource(KubeApiServerResource.class)
@TestProfile(RunToCompletionTest.ShortPullDeadline.class)
class RunToCompletionTest extends ApiServerTest {

  public static class ShortPullDeadline implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("claw.operator.run.pull-failure-deadline", "2s");
    }
  }

  @jakarta.inject.Inject
  io.micrometer.core.instrument.MeterRegistry registry;

  private ClawInstance analyzer(String name, Integer backoffLimit, Long deadline, Long ttl) {
    ClawInstance instance = instance(ns, name, "registry.example.com/analyzer:1", null);
    InstanceRun run = new InstanceRun();
    run.setRestartPolicy(InstanceRun.RestartPolicy.Never);
    run.setBackoffLimit(backoffLimit);
    run.setActiveDeadlineSeconds(deadline);
    run.setTtlSecondsAfterFinished(ttl);
    instance.getSpec().setRun(run);
    return client.resource(instance).create();
  }

  @Test
  void aRunThatExitsZeroIsCompleteKeepsItsPodAndIgnoresLaterEdits() {
    analyzer("ok", null, null, null);
    Pod pod = awaitPod(client, ns, "ok", p -> true);
    assertEquals("Never", pod.getSpec().getRestartPolicy());
    assertEquals("FallbackToLogsOnError", pod.getSpec().getContainers().get(0).getTerminationMessagePolicy());
    kubeletEnds(client, ns, "ok", "Succeeded", null, 0, "wrote output.json");
    ClawInstanceStatus done = awaitStatus(client, ns, "ok", s -> s.phase() == Phase.Succeeded);
    ClawCondition complete = done.condition(ClawCondition.COMPLETE).orElseThrow();
    assertEquals(ClawCondition.TRUE, complete.status());
    assertEquals("The run completed with exit code 0: wrote output.json", done.message());
    assertEquals(0, done.run().exitCode());
    assertEquals(Reasons.COMPLETED, done.run().reason());
    var waited = KubeApiServerResource.cluster().kubectl(null, "wait", "--for=condition=Complete", "claw/ok", "-n", ns,
        "--timeout=10s");
    assertEquals(0, waited.exitCode(), waited.output());
    assertTrue(registry.get(io.claw.operator.observability.ClawMetrics.RUNS_FINISHED).tag("outcome", "Succeeded")
        .tag("reason", Reasons.COMPLETED).counter().count() >= 1, "runs finished, by outcome and reason");
    assertTrue(registry.get(io.claw.operator.observability.ClawMetrics.RUN_DURATION).tag("outcome", "Succeeded").timer()
        .count() >= 1, "and their duration");

    editSpec(client, ns, "ok", spec -> spec.setImage("registry.example.com/analyzer:2"));
    Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    Pod after = client.pods().inNamespace(ns).withName("ok").get();
    assertEquals(pod.getMetadata().getUid(), after.getMetadata().getUid(), "a finished instance's Pod is never replaced");
    assertEquals("registry.example.com/analyzer:1", after.getSpec().getContainers().get(0).getImage());
  }

  @Test
  void failedRunsAreRetriedUpToTheLimitAndAnEvictionIsNotCounted() {
    analyzer("flaky", 1, null, null);
    Pod first = awaitPod(client, ns, "flaky", p -> true);
    kubeletEnds(client, ns, "flaky", "Failed", null, 3, "input.json missing");
    Pod second = awaitPod(client, ns, "flaky", p -> !p.getMetadata().getUid().equals(first.getMetadata().getUid()));
    assertEquals("1", second.getMetadata().getAnnotations().get(Labels.FAILED_RUNS));
    awaitStatus(client, ns, "flaky", s -> s.run() != null && Integer.valueOf(1).equals(s.run().failed()));

    kubeletEnds(client, ns, "flaky", "Failed", "Evicted", 137, "The node was low on memory.");
    Pod third = awaitPod(client, ns, "flaky", p -> !p.getMetadata().getUid().equals(second.getMetadata().getUid()));
    assertEquals("1", third.getMetadata().getAnnotations().get(Labels.FAILED_RUNS), "an eviction does not count");
    assertEquals("1", third.getMetadata().getAnnotations().get(Labels.DISRUPTED_RUNS));

    kubeletEnds(client, ns, "flaky", "Failed", null, 3, "input.json missing");
    ClawInstanceStatus failed = awaitStatus(client, ns, "flaky", s -> s.phase() == Phase.Failed);
    assertEquals(Reasons.BACKOFF_LIMIT_EXCEEDED, failed.condition(ClawCondition.FAILED).orElseThrow().reason());
    assertEquals(3, failed.run().exitCode());
    assertEquals(2, failed.run().failed());
    assertEquals(1, failed.run().disrupted());
    assertEquals("The run failed (BackoffLimitExceeded: 2 failed runs, more than spec.run.backoffLimit 1 allows) with "
        + "exit code 3: input.json missing", failed.message());
    assertEquals("input.json missing", failed.run().message());
    assertEquals(third.getMetadata().getUid(), client.pods().inNamespace(ns).withName("flaky").get().getMetadata().getUid(),
        "the last Pod is kept, for its logs");
  }

  @Test
  void pastItsDeadlineTheRunFailsAndItsPodGoes() {
    analyzer("slow", null, 2L, null);
    awaitPod(client, ns, "slow", p -> true);
    ClawInstanceStatus failed = awaitStatus(client, ns, "slow", s -> s.phase() == Phase.Failed);
    assertEquals(Reasons.DEADLINE_EXCEEDED, failed.run().reason());
    await().until(() -> client.pods().inNamespace(ns).withName("slow").get() == null);
  }

  @Test
  void afterItsTimeToLiveTheInstanceGoes() {
    analyzer("short-lived", null, null, 1L);
    awaitPod(client, ns, "short-lived", p -> true);
    kubeletEnds(client, ns, "short-lived", "Succeeded", null, 0, "");
    await().until(() -> client.resources(ClawInstance.class).inNamespace(ns).withName("short-lived").get() == null);
  }

  @Test
  void anImageThatDoesNotExistEndsTheRunAfterTheShortDeadlineKeepingCauseAndHint() {
    analyzer("missing", null, null, null);
    awaitPod(client, ns, "missing", p -> true);
    kubeletReports(client, ns, "missing", waiting("ErrImagePull",
        "rpc error: code = NotFound desc = failed to pull and unpack image \"registry.example.com/analyzer:1\": not found"));
    long started = System.nanoTime();
    ClawInstanceStatus failed = awaitStatus(client, ns, "missing", s -> s.phase() == Phase.Failed);
    long took = (System.nanoTime() - started) / 1_000_000;
    assertEquals(Reasons.IMAGE_PULL_FAILED, failed.condition(ClawCondition.FAILED).orElseThrow().reason());
    assertEquals(PullFailureCause.NOT_FOUND, failed.pullFailure().cause());
    assertTrue(failed.run().message().contains("NotFound"), failed.run().message());
    // the condition's transition time is in whole seconds: the deadline falls 1 to 2 s after the report
    assertTrue(took >= 900 && took < 10000, "ended after " + took + " ms; the deadline is 2 s");
    await().until(() -> client.pods().inNamespace(ns).withName("missing").get() == null);
    assertNull(client.pods().inNamespace(ns).withName("missing").get());
  }
}
