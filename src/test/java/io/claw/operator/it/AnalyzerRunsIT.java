package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import io.claw.operator.api.AppVolume;
import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.InstanceRun;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.Labels;
import io.claw.operator.testing.RealNode.Registry;
import io.claw.operator.testing.RealNodeSuite;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Cortex's analyzers as runs to completion on the real node: a claim that holds
 * jobs/&lt;id&gt;/input/input.json, mounted read-only and read-write through subPathExpr as Cortex's
 * Kubernetes runner does; a program that writes output.json and exits 0, one that exits 3 with a
 * message, an image that does not exist, a run evicted by the kubelet, a run past its deadline,
 * and one whose time to live ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalyzerRunsIT {

  private static final String CLASS = "analyzer-jobs";
  /** Cortex's runner: args ["/job"], the job's folder in CORTEX_JOB_FOLDER, input and output under /job. */
  private static final String ANALYZER = "test -r \"$0/input/input.json\" || exit 2; "
      + "echo '{\"success\": true, \"full\": {\"analyzed\": '\"$(cat \"$0/input/input.json\")\"'}}' "
      + "> \"$0/output/output.json\"; echo done";

  private static RealNodeSuite suite;
  private static KubernetesClient client;
  private static String image;
  private static Path jobs;
  private static String ns;

  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE = RealNodeSuite.dumpOnFailure(() -> suite,
      List.of(List.of("get", "claw,pods,pvc,pv", "-A", "-o", "yaml"), List.of("get", "events", "-A")),
      RealNodeSuite::operatorTail);

  @BeforeAll
  static void startNode() throws IOException {
    suite = RealNodeSuite.start("analyzer-runs-it", Duration.ofSeconds(120));
    client = suite.client();
    suite.node().pushImage(Registry.OPEN, "analyzer:1", "a1");
    image = Registry.OPEN.host() + "/analyzer:1";
    ns = newNamespace(client);
    // the claim Cortex shares between its jobs: a local volume the test fills
    jobs = Files.createTempDirectory("claw-cortex-jobs");
    suite.node().localStorageClass(CLASS);
    suite.node().localVolume("cortex-jobs", CLASS, jobs);
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(ns).withName("cortex-jobs")
        .endMetadata().withNewSpec().withStorageClassName(CLASS).withAccessModes("ReadWriteOnce")
        .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
    suite.startOperator("analyzer-runs-it", Map.of("CLAW_OPERATOR_RUN_PULL_FAILURE_DEADLINE", "15s"));
  }

  @AfterAll
  static void stopNode() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  @Order(1)
  void anAnalyzerThatWritesItsOutputAndExitsZeroIsComplete() throws Exception {
    jobFolder("42", "{\"data\": \"file.exe\"}");
    long started = System.nanoTime();
    client.resource(analyzer("job-42", "42", ANALYZER, null)).create();
    var waited = suite.node().cluster().kubectl(null, "wait", "--for=condition=Complete", "claw/job-42", "-n", ns,
        "--timeout=120s");
    assertEquals(0, waited.exitCode(), waited.output());
    suite.report("analyzer: kubectl wait --for=condition=Complete returned " + RealNodeSuite.millisSince(started)
        + " ms after the instance was created");
    ClawInstanceStatus done = client.resources(ClawInstance.class).inNamespace(ns).withName("job-42").get().getStatus();
    assertEquals(Phase.Succeeded, done.phase());
    assertEquals(0, done.run().exitCode());
    // FallbackToLogsOnError gives the log only for a run that failed: none here
    String output = Files.readString(jobs.resolve("jobs/42/output/output.json"));
    assertEquals("{\"success\": true, \"full\": {\"analyzed\": {\"data\": \"file.exe\"}}}\n", output);
  }

  @Test
  @Order(2)
  void anAnalyzerThatExitsThreeFailsWithItsExitCodeAndMessage() throws Exception {
    jobFolder("43", "{}");
    client.resource(analyzer("job-43", "43", "echo 'file type not supported' >&2; exit 3", 0)).create();
    ClawInstanceStatus failed = suite.awaitStatus(ns, "job-43", s -> s.phase() == Phase.Failed);
    assertEquals(3, failed.run().exitCode());
    assertEquals("file type not supported", failed.run().message(), "FallbackToLogsOnError: its last log lines");
    assertEquals(Reasons.BACKOFF_LIMIT_EXCEEDED, failed.condition(ClawCondition.FAILED).orElseThrow().reason());
    suite.report("exit 3: " + failed.message());
  }

  @Test
  @Order(3)
  void anImageThatDoesNotExistFailsTheRunWithinTheDeadline() {
    ClawInstance missing = analyzer("job-missing", "44", ANALYZER, null);
    missing.getSpec().setImage(Registry.OPEN.host() + "/analyzer:no-such-tag");
    long started = System.nanoTime();
    client.resource(missing).create();
    ClawInstanceStatus failed = suite.awaitStatus(ns, "job-missing", s -> s.phase() == Phase.Failed);
    long took = RealNodeSuite.millisSince(started);
    suite.report("image not found: the run failed " + took + " ms after the instance was created (deadline 15 s): "
        + failed.run().message());
    assertEquals(Reasons.IMAGE_PULL_FAILED, failed.run().reason());
    assertEquals(PullFailureCause.NOT_FOUND, failed.pullFailure().cause());
    assertTrue(took < 60_000, "took " + took + " ms");
  }

  /** The kubelet evicts the first run (it outgrows its ephemeral storage); the second runs and is not charged for it. */
  @Test
  @Order(4)
  void anEvictedRunIsRunAgainAndNotCounted() throws Exception {
    jobFolder("45", "{}");
    String fillOnce = "if [ ! -f \"$0/output/evicted-once\" ]; then touch \"$0/output/evicted-once\"; "
        + "/bin/busybox dd if=/dev/zero of=/tmp/fill bs=1024 count=4096; sleep 120; fi; " + ANALYZER;
    ClawInstance evicted = analyzer("job-45", "45", fillOnce, 0);
    evicted.getSpec().setResources(new ResourceRequirementsBuilder()
        .addToLimits("ephemeral-storage", new Quantity("1Mi")).build());
    client.resource(evicted).create();
    Pod first = suite.slow().until(() -> client.pods().inNamespace(ns).withName("job-45").get(), p -> p != null);
    ClawInstanceStatus done = suite.awaitStatus(ns, "job-45", s -> s.phase() == Phase.Succeeded);
    assertEquals(0, done.run().failed(), "backoffLimit 0, and yet it succeeded: the eviction was not counted");
    assertEquals(1, done.run().disrupted());
    Pod last = client.pods().inNamespace(ns).withName("job-45").get();
    assertNotEquals(first.getMetadata().getUid(), last.getMetadata().getUid());
    assertEquals("1", last.getMetadata().getAnnotations().get(Labels.DISRUPTED_RUNS));
    suite.report("evicted mid-run, run again: " + done.message());
  }

  @Test
  @Order(5)
  void aRunPastItsDeadlineFails() {
    ClawInstance slow = analyzer("job-slow", "46", "sleep 300", null);
    slow.getSpec().getRun().setActiveDeadlineSeconds(5L);
    client.resource(slow).create();
    ClawInstanceStatus failed = suite.awaitStatus(ns, "job-slow", s -> s.phase() == Phase.Failed);
    assertEquals(Reasons.DEADLINE_EXCEEDED, failed.run().reason());
    suite.slow().until(() -> client.pods().inNamespace(ns).withName("job-slow").get() == null);
  }

  @Test
  @Order(6)
  void afterItsTimeToLiveTheFinishedInstanceIsGone() throws Exception {
    jobFolder("47", "{}");
    ClawInstance brief = analyzer("job-47", "47", ANALYZER, null);
    brief.getSpec().getRun().setTtlSecondsAfterFinished(3L);
    client.resource(brief).create();
    suite.awaitStatus(ns, "job-47", s -> s.phase() == Phase.Succeeded);
    suite.slow().until(() -> client.resources(ClawInstance.class).inNamespace(ns).withName("job-47").get() == null
        && client.pods().inNamespace(ns).withName("job-47").get() == null);
  }

  /** An analyzer run as Cortex's runner makes its Job: the shared claim mounted twice through subPathExpr. */
  private static ClawInstance analyzer(String name, String job, String script, Integer backoffLimit) {
    ClawInstance analyzer = instance(ns, name, image, PullPolicy.IF_NOT_PRESENT);
    InstanceRun run = new InstanceRun();
    run.setRestartPolicy(InstanceRun.RestartPolicy.Never);
    run.setBackoffLimit(backoffLimit);
    analyzer.getSpec().setRun(run);
    analyzer.getSpec().setCommand(List.of("sh", "-c", script));
    analyzer.getSpec().setArgs(List.of("/job"));
    analyzer.getSpec().setEnv(List.of(new EnvVar("CORTEX_JOB_FOLDER", "jobs/" + job, null)));
    AppVolume volume = new AppVolume();
    volume.setName("jobs");
    volume.setPersistentVolumeClaim(new PersistentVolumeClaimVolumeSource("cortex-jobs", false));
    analyzer.getSpec().setVolumes(List.of(volume));
    analyzer.getSpec().setVolumeMounts(List.of(
        new VolumeMountBuilder().withName("jobs").withMountPath("/job/input")
            .withSubPathExpr("$(CORTEX_JOB_FOLDER)/input").withReadOnly(true).build(),
        new VolumeMountBuilder().withName("jobs").withMountPath("/job/output")
            .withSubPathExpr("$(CORTEX_JOB_FOLDER)/output").build()));
    return analyzer;
  }

  /** jobs/ID/input/input.json, and an output folder the analyzer (UID 1000) may write. */
  private static void jobFolder(String id, String input) throws IOException {
    Path in = Files.createDirectories(jobs.resolve("jobs/" + id + "/input"));
    Files.writeString(in.resolve("input.json"), input);
    Path out = Files.createDirectories(jobs.resolve("jobs/" + id + "/output"));
    for (Path dir : List.of(jobs.resolve("jobs"), jobs.resolve("jobs/" + id), in, out)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
  }
}
