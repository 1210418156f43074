package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.running;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.KubeApiServerResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The operator as users meet it, against a real kube-apiserver; the kubelet is simulated. */
@QuarkusTest
@WithTestResource(KubeApiServerResource.class)
class ClawInstanceReconcilerTest extends ApiServerTest {

  @Test
  void createsOwnedPodWithExplicitPolicyFromOperatorDefault() {
    ClawInstance created = client.resource(instance(ns, "web", "nginx:latest", null)).create();

    Pod pod = awaitPod(client, ns, "web", p -> true);
    OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
    assertEquals(created.getMetadata().getUid(), owner.getUid());
    assertEquals("ClawInstance", owner.getKind());
    assertEquals("claw.io/v1alpha1", owner.getApiVersion());
    assertEquals(Boolean.TRUE, owner.getController());
    assertEquals("web", pod.getMetadata().getLabels().get("app.kubernetes.io/instance"));
    assertEquals("claw-operator", pod.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    // ':latest' would make Kubernetes default to Always; the built-in default (IfNotPresent) wins.
    assertEquals("IfNotPresent", pod.getSpec().getContainers().get(0).getImagePullPolicy());

    ClawInstanceStatus status = awaitStatus(client, ns, "web", s -> s.podName() != null);
    assertEquals(PullPolicy.IF_NOT_PRESENT, status.pullPolicy());
    assertEquals(PullPolicySource.BUILT_IN, status.pullPolicySource());
    assertEquals("nginx:latest", status.image());
    assertEquals(Phase.Pending, status.phase());
    assertEquals("PodNotScheduled", status.condition(ClawCondition.READY).orElseThrow().reason());
    assertEquals(created.getMetadata().getGeneration(), status.observedGeneration());
  }

  /**
   * The test API server runs no garbage collector, so check the reference is one it would follow:
   * the only controller reference, resolvable through discovery to this very instance (uid), in
   * the Pod's namespace, blocking foreground deletion. Once the instance is gone it resolves to
   * nothing, which is when the collector deletes the Pod; a new instance of the same name does
   * not adopt it but replaces it.
   */
  @Test
  void ownerReferenceIsOneTheGarbageCollectorFollows() {
    ClawInstance created = client.resource(instance(ns, "owned", "nginx:1.27", null)).create();
    Pod pod = awaitPod(client, ns, "owned", p -> true);

    assertEquals(1, pod.getMetadata().getOwnerReferences().size());
    OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
    assertEquals(Boolean.TRUE, owner.getController());
    assertEquals(Boolean.TRUE, owner.getBlockOwnerDeletion());
    var resolved = client.genericKubernetesResources(owner.getApiVersion(), owner.getKind())
        .inNamespace(pod.getMetadata().getNamespace()).withName(owner.getName()).get();
    assertEquals(created.getMetadata().getUid(), resolved.getMetadata().getUid());

    client.resource(created).delete();
    await().until(() -> client.genericKubernetesResources(owner.getApiVersion(), owner.getKind())
        .inNamespace(ns).withName(owner.getName()).get() == null);

    ClawInstance again = client.resource(instance(ns, "owned", "nginx:1.27", null)).create();
    Pod replaced = awaitPod(client, ns, "owned", p -> !p.getMetadata().getUid().equals(pod.getMetadata().getUid())
        && p.getMetadata().getOwnerReferences().get(0).getUid().equals(again.getMetadata().getUid()));
    assertEquals(1, replaced.getMetadata().getOwnerReferences().size());
  }

  @ParameterizedTest
  @EnumSource(PullPolicy.class)
  void specPullPolicyOverridesOperatorDefault(PullPolicy policy) {
    client.resource(instance(ns, "app", "registry.example.com/app:1.0", policy)).create();

    Pod pod = awaitPod(client, ns, "app", p -> true);
    assertEquals(policy.value(), pod.getSpec().getContainers().get(0).getImagePullPolicy());
    ClawInstanceStatus status = awaitStatus(client, ns, "app", s -> s.pullPolicy() != null);
    assertEquals(policy, status.pullPolicy());
    assertEquals(PullPolicySource.SPEC, status.pullPolicySource());
  }

  @Test
  void passesPullSecretsEnvAndPortToThePod() {
    ClawInstance instance = instance(ns, "full", "registry.example.com/app:1.0", PullPolicy.ALWAYS);
    instance.getSpec().getImagePullSecrets().add("regcred");
    instance.getSpec().getEnv().add(new io.fabric8.kubernetes.api.model.EnvVar("MODE", "prod", null));
    instance.getSpec().setPort(8080);
    client.resource(instance).create();

    Pod pod = awaitPod(client, ns, "full", p -> true);
    assertEquals("regcred", pod.getSpec().getImagePullSecrets().get(0).getName());
    assertEquals("MODE", pod.getSpec().getContainers().get(0).getEnv().get(0).getName());
    assertEquals(8080, pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort());
  }

  @Test
  void imageChangeUpdatesTheLivePodInPlace() {
    ClawInstance img = instance(ns, "img", "nginx:1.26", PullPolicy.IF_NOT_PRESENT);
    img.getSpec().getEnv().add(new io.fabric8.kubernetes.api.model.EnvVar("MODE", "prod", null));
    client.resource(img).create();
    Pod before = awaitPod(client, ns, "img", p -> true);

    editSpec(client, ns, "img", spec -> spec.setImage("nginx:1.27"));

    Pod after = awaitPod(client, ns, "img", p -> "nginx:1.27".equals(p.getSpec().getContainers().get(0).getImage()));
    assertEquals(before.getMetadata().getUid(), after.getMetadata().getUid(), "same Pod, updated in place");
    // the patch is computed from the operator's cache, which keeps little of the Pod: only the image changed
    assertEquals(before.getSpec().getContainers().get(0).getEnv(), after.getSpec().getContainers().get(0).getEnv());
    assertEquals(before.getSpec().getVolumes(), after.getSpec().getVolumes());
    assertEquals(before.getSpec().getTolerations(), after.getSpec().getTolerations());
    awaitStatus(client, ns, "img", s -> "nginx:1.27".equals(s.image()));
  }

  @Test
  void pullPolicyChangeRecreatesThePod() {
    client.resource(instance(ns, "pol", "nginx:1.27", PullPolicy.IF_NOT_PRESENT)).create();
    Pod before = awaitPod(client, ns, "pol", p -> true);

    editSpec(client, ns, "pol", spec -> spec.setPullPolicy(PullPolicy.ALWAYS));

    Pod after = awaitPod(client, ns, "pol",
        p -> !p.getMetadata().getUid().equals(before.getMetadata().getUid()));
    assertEquals("Always", after.getSpec().getContainers().get(0).getImagePullPolicy());
    assertEquals(1, client.pods().inNamespace(ns).list().getItems().size(), "never two Pods");
    ClawInstanceStatus status = awaitStatus(client, ns, "pol", s -> s.pullPolicy() == PullPolicy.ALWAYS
        && s.phase() == Phase.Pending && "PodNotScheduled".equals(s.condition(ClawCondition.READY).orElseThrow().reason()));
    assertEquals(2L, status.observedGeneration());
  }

  /** As the scheduler does; a bound Pod's graceful delete then waits for a kubelet, which this API server lacks. */
  private void bindToANode(String name) {
    client.bindings().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.BindingBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewTarget().withApiVersion("v1").withKind("Node").withName("node-1").endTarget()
        .build()).create();
  }

  @Test
  void aPodThatNeverRanIsReplacedWithoutWaitingForAGracefulDelete() {
    client.resource(instance(ns, "stuck", "registry.example.com/app:1", PullPolicy.ALWAYS)).create();
    Pod before = awaitPod(client, ns, "stuck", p -> true);
    bindToANode("stuck");
    kubeletReports(client, ns, "stuck", waiting("ErrImagePull", "dial tcp: connect: connection refused"));
    awaitStatus(client, ns, "stuck", s -> s.phase() == Phase.ImagePullFailed);

    editSpec(client, ns, "stuck", spec -> spec.setPullPolicy(PullPolicy.IF_NOT_PRESENT));

    Pod after = awaitPod(client, ns, "stuck", p -> !p.getMetadata().getUid().equals(before.getMetadata().getUid()));
    assertEquals("IfNotPresent", after.getSpec().getContainers().get(0).getImagePullPolicy());
    ClawInstanceStatus status = awaitStatus(client, ns, "stuck", s -> s.pullPolicy() == PullPolicy.IF_NOT_PRESENT
        && "PodNotScheduled".equals(s.condition(ClawCondition.READY).orElseThrow().reason()));
    ClawCondition pull = status.condition(ClawCondition.IMAGE_PULL_FAILED).orElseThrow();
    assertEquals("AwaitingPull", pull.reason(), "nothing was pulled yet: " + pull);
    assertTrue(client.v1().events().inNamespace(ns).list().getItems().stream()
        .noneMatch(e -> "ImagePullRecovered".equals(e.getReason())), "no recovery before a pull succeeds");
  }

  @Test
  void aPodWhoseAppRanIsStoppedGracefullyBeforeItsReplacementStarts() {
    client.resource(instance(ns, "ran", "nginx:1.27", PullPolicy.IF_NOT_PRESENT)).create();
    Pod before = awaitPod(client, ns, "ran", p -> true);
    bindToANode("ran");
    kubeletReports(client, ns, "ran", running("docker.io/library/nginx@sha256:abc"));
    awaitStatus(client, ns, "ran", s -> s.phase() == Phase.Running);

    editSpec(client, ns, "ran", spec -> spec.setPullPolicy(PullPolicy.ALWAYS));

    awaitStatus(client, ns, "ran", s -> "PodReplacing".equals(s.condition(ClawCondition.READY).orElseThrow().reason()));
    await().during(java.time.Duration.ofSeconds(2)).until(() -> {
      Pod pod = client.pods().inNamespace(ns).withName("ran").get();
      return pod.getMetadata().getUid().equals(before.getMetadata().getUid())
          && pod.getMetadata().getDeletionTimestamp() != null;
    });
    // the kubelet has stopped the app: it removes the Pod, and only then does the replacement come
    client.pods().inNamespace(ns).withName("ran").withGracePeriod(0).delete();
    Pod after = awaitPod(client, ns, "ran", p -> !p.getMetadata().getUid().equals(before.getMetadata().getUid()));
    assertEquals("Always", after.getSpec().getContainers().get(0).getImagePullPolicy());
  }

  @Test
  void aPullSecretCreatedLaterReplacesThePodThatCouldNotPull() {
    ClawInstance instance = instance(ns, "late", "registry.example.com/private/app:1", PullPolicy.ALWAYS);
    instance.getSpec().setImagePullSecrets(List.of("late-cred"));
    client.resource(instance).create();
    Pod before = awaitPod(client, ns, "late", p -> true);
    kubeletReports(client, ns, "late", waiting("ErrImagePull", "401 Unauthorized"));
    awaitStatus(client, ns, "late", s -> s.phase() == Phase.ImagePullFailed
        && ClawCondition.FALSE.equals(s.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow().status()));

    client.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("late-cred").endMetadata().addToStringData("x", "y").build()).create();

    // noticed by the 5 s recheck, without any event from the Secret
    awaitPod(client, ns, "late", p -> !p.getMetadata().getUid().equals(before.getMetadata().getUid()));
    awaitStatus(client, ns, "late",
        s -> ClawCondition.TRUE.equals(s.condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow().status()));
  }

  @Test
  void podDeletedBySomeoneElseIsRecreated() {
    client.resource(instance(ns, "gone", "nginx:1.27", null)).create();
    Pod before = awaitPod(client, ns, "gone", p -> true);

    client.pods().inNamespace(ns).withName("gone").delete();

    Pod after = awaitPod(client, ns, "gone", p -> !p.getMetadata().getUid().equals(before.getMetadata().getUid()));
    assertEquals("IfNotPresent", after.getSpec().getContainers().get(0).getImagePullPolicy());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
      "RegistryUnavailable", "ImageInspectError", "SignatureValidationFailed"})
  void reportsEachImagePullFailureAndItsRecovery(String reason) {
    client.resource(instance(ns, "pull", "registry.example.com/app:1.0", PullPolicy.NEVER)).create();
    awaitPod(client, ns, "pull", p -> true);

    long start = System.nanoTime();
    kubeletReports(client, ns, "pull", waiting(reason, "kubelet says " + reason));
    ClawInstanceStatus failing = awaitStatus(client, ns, "pull", s -> s.phase() == Phase.ImagePullFailed);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("pull failure %s reached the status in %d ms%n", reason, millis);

    ClawCondition pull = failing.condition(ClawCondition.IMAGE_PULL_FAILED).orElseThrow();
    assertEquals(ClawCondition.TRUE, pull.status());
    assertEquals(reason, pull.reason());
    assertEquals("kubelet says " + reason, pull.message());
    assertEquals(reason, failing.pullFailureReason());
    ClawCondition ready = failing.condition(ClawCondition.READY).orElseThrow();
    assertEquals(ClawCondition.FALSE, ready.status());
    assertTrue(failing.message().contains("registry.example.com/app:1.0"), failing.message());
    assertTrue(failing.message().contains("Never"), failing.message());

    kubeletReports(client, ns, "pull", running("registry.example.com/app@sha256:abc"));
    ClawInstanceStatus recovered = awaitStatus(client, ns, "pull", s -> s.phase() == Phase.Running);
    assertEquals("registry.example.com/app@sha256:abc", recovered.imageID());
    assertNull(recovered.pullFailureReason());
    assertEquals(ClawCondition.FALSE, recovered.condition(ClawCondition.IMAGE_PULL_FAILED).orElseThrow().status());
    assertEquals(ClawCondition.TRUE, recovered.condition(ClawCondition.READY).orElseThrow().status());
  }

  @Test
  void alternatingErrImagePullAndBackOffDoesNotFlap() {
    client.resource(instance(ns, "flap", "registry.example.com/missing:1", null)).create();
    awaitPod(client, ns, "flap", p -> true);

    kubeletReports(client, ns, "flap", waiting("ErrImagePull", "manifest unknown: registry.example.com/missing:1"));
    ClawCondition first = awaitStatus(client, ns, "flap", s -> "ErrImagePull".equals(s.pullFailureReason()))
        .condition(ClawCondition.IMAGE_PULL_FAILED).orElseThrow();

    kubeletReports(client, ns, "flap", waiting("ImagePullBackOff", "Back-off pulling image \"registry.example.com/missing:1\""));
    ClawInstanceStatus backOff = awaitStatus(client, ns, "flap", s -> "ImagePullBackOff".equals(s.pullFailureReason()));
    ClawCondition second = backOff.condition(ClawCondition.IMAGE_PULL_FAILED).orElseThrow();
    assertEquals(ClawCondition.TRUE, second.status());
    assertEquals(first.lastTransitionTime(), second.lastTransitionTime());
    assertEquals("manifest unknown: registry.example.com/missing:1", second.message(), "root cause kept");
    assertEquals(Phase.ImagePullFailed, backOff.phase());

    // Between attempts the kubelet may show the container as creating: still failing.
    kubeletReports(client, ns, "flap", waiting("ContainerCreating", null));
    kubeletReports(client, ns, "flap", waiting("ErrImagePull", "manifest unknown: registry.example.com/missing:1"));
    ClawInstanceStatus again = awaitStatus(client, ns, "flap", s -> "ErrImagePull".equals(s.pullFailureReason()));
    assertEquals(first.lastTransitionTime(),
        again.condition(ClawCondition.IMAGE_PULL_FAILED).orElseThrow().lastTransitionTime());
  }

  @Test
  void onePullFailureMeansOneWarningEventAndItsRecoveryOneNormalEvent() {
    client.resource(instance(ns, "ev", "registry.example.com/app:3.0", PullPolicy.ALWAYS)).create();
    awaitPod(client, ns, "ev", p -> true);

    kubeletReports(client, ns, "ev", waiting("ErrImagePull", "pull access denied"));
    awaitStatus(client, ns, "ev", s -> "ErrImagePull".equals(s.pullFailureReason()));
    kubeletReports(client, ns, "ev", waiting("ImagePullBackOff", "Back-off pulling image"));
    awaitStatus(client, ns, "ev", s -> "ImagePullBackOff".equals(s.pullFailureReason()));
    kubeletReports(client, ns, "ev", waiting("ErrImagePull", "pull access denied"));
    awaitStatus(client, ns, "ev", s -> "ErrImagePull".equals(s.pullFailureReason()));
    kubeletReports(client, ns, "ev", running("registry.example.com/app@sha256:def"));
    awaitStatus(client, ns, "ev", s -> s.phase() == Phase.Running);

    var events = await().until(() -> client.v1().events().inNamespace(ns).list().getItems(), list -> list.size() >= 2);
    await().during(java.time.Duration.ofSeconds(1)).until(
        () -> client.v1().events().inNamespace(ns).list().getItems().size() == 2);
    var warning = events.stream().filter(e -> "Warning".equals(e.getType())).findFirst().orElseThrow();
    assertEquals("ErrImagePull", warning.getReason());
    assertTrue(warning.getMessage().contains("registry.example.com/app:3.0"), warning.getMessage());
    assertTrue(warning.getMessage().contains("Always"), warning.getMessage());
    assertEquals("ev", warning.getInvolvedObject().getName());
    assertEquals("ClawInstance", warning.getInvolvedObject().getKind());
    var normal = events.stream().filter(e -> "Normal".equals(e.getType())).findFirst().orElseThrow();
    assertEquals("ImagePullRecovered", normal.getReason());
  }

  @Test
  void metricsCountInstancesByPhaseAndPullFailuresByReason() throws Exception {
    client.resource(instance(ns, "metered", "registry.example.com/app:4.0", null)).create();
    awaitPod(client, ns, "metered", p -> true);
    kubeletReports(client, ns, "metered", waiting("InvalidImageName", "invalid reference format"));
    awaitStatus(client, ns, "metered", s -> s.phase() == Phase.ImagePullFailed);

    String scraped = await().until(this::scrapeMetrics,
        m -> metricValue(m, "claw_image_pull_failures_total{cause=\"InvalidName\",reason=\"InvalidImageName\"}") >= 1
            && metricValue(m, "claw_instances{phase=\"ImagePullFailed\"}") >= 1
            && metricValue(m, "claw_instances_pull_failing{cause=\"InvalidName\"}") >= 1);
    assertTrue(scraped.contains("reconciliations_execution_duration_seconds_count{controller_name=\"clawinstance\""),
        "JOSDK reconcile metrics are exported");
  }

  /**
   * The operator's own client (not the tests') talks to the API server as configured by default:
   * TLS by OpenSSL (BoringSSL) and requests over HTTP/2; the watches' WebSockets stay on
   * HTTP/1.1 (Vert.x has no WebSocket over HTTP/2), also by OpenSSL. Read from each connection's
   * TLS session, not from the settings. The event loop runs on Netty's epoll transport, which
   * loads on Linux.
   */
  @Test
  void theOperatorTalksToTheApiServerByOpenSslOverHttp2OnEpoll() throws Exception {
    client.resource(instance(ns, "transport", "nginx:1.27", null)).create();
    awaitPod(client, ns, "transport", p -> true);
    String scraped = scrapeMetrics();
    String series = "claw_api_client_connections_total{http_version=\"%s\",tls=\"%s\",transport=\"%s\"}";
    assertTrue(metricValue(scraped, series.formatted("HTTP_2", "OpenSSL", "epoll")) >= 1, scraped.lines()
        .filter(l -> l.startsWith("claw_api_client")).collect(java.util.stream.Collectors.joining("\n")));
    for (String tls : List.of("OpenSSL", "JDK")) {
      assertEquals(0, metricValue(scraped, series.formatted("HTTP_2", tls, "nio")));
    }
    assertEquals(0, metricValue(scraped, series.formatted("HTTP_2", "JDK", "epoll")));
    assertEquals(0, metricValue(scraped, series.formatted("HTTP_1_1", "JDK", "epoll")));
  }

  /**
   * JOSDK's MDC is off in the running operator (config.JosdkMdc): its add writes nothing, after
   * the operator has reconciled and handed on events, so after JOSDK first read its switch.
   */
  @Test
  void josdksMdcIsOff() {
    ClawInstance created = client.resource(instance(ns, "quiet", "nginx:1.27", null)).create();
    awaitStatus(client, ns, "quiet", s -> s.pullPolicy() != null);
    try {
      io.javaoperatorsdk.operator.processing.MDCUtils.addResourceInfo(created);
      assertNull(org.slf4j.MDC.get("resource.name"));
      assertNull(org.slf4j.MDC.get("resource.namespace"));
    } finally {
      io.javaoperatorsdk.operator.processing.MDCUtils.removeResourceInfo();
      org.slf4j.MDC.clear();
    }
  }

  /** The operator's client reads no managedFields, which the API server does send (client.ManagedFieldsUnread). */
  @Test
  void theOperatorsClientSkipsManagedFields() {
    client.resource(instance(ns, "lean", "nginx:1.27", null)).create();
    awaitPod(client, ns, "lean", p -> true);

    String sent = client.raw(client.getMasterUrl() + "api/v1/namespaces/" + ns + "/pods/lean");
    assertTrue(sent.contains("\"managedFields\""), sent);
    Pod read = client.pods().inNamespace(ns).withName("lean").get();
    assertTrue(read.getMetadata().getManagedFields().isEmpty(), String.valueOf(read.getMetadata().getManagedFields()));
    assertEquals("lean", read.getMetadata().getLabels().get("app.kubernetes.io/instance"));
  }

  /**
   * The operator's client reads a watch event of an instance straight into a ClawInstance: were the
   * kind not registered, fabric8 would read it as a generic resource and convert that again for the
   * informer, three passes over every instance event (docs/benchmark.md, client.ClientSerialization).
   */
  @Test
  void theOperatorsClientReadsInstanceEventsAsClawInstances() {
    String event = "{\"type\": \"ADDED\", \"object\": {\"apiVersion\": \"" + HasMetadata.getApiVersion(ClawInstance.class)
        + "\", \"kind\": \"ClawInstance\", \"metadata\": {\"name\": \"web\"}, \"spec\": {\"image\": \"nginx:1.27\"}}}";

    Object read = client.getKubernetesSerialization().unmarshal(event, WatchEvent.class).getObject();

    assertEquals(ClawInstance.class, read.getClass());
  }

  @jakarta.inject.Inject
  io.javaoperatorsdk.operator.Operator operator;

  /** JOSDK's scheduler, built without a core thread, has one once the operator runs (config.SchedulerCoreThread). */
  @Test
  void josdksSchedulerSleepsUntilItsNextTask() {
    var scheduler = (java.util.concurrent.ScheduledThreadPoolExecutor) operator.getConfigurationService()
        .getExecutorServiceManager().scheduledExecutorService();

    assertEquals(1, scheduler.getCorePoolSize());
  }

  /**
   * JOSDK copies each instance before its reconcile with the client's serialization, which here is
   * the operator's own (client.ClientSerialization, copies through a token buffer): the copy equals
   * the instance and is not it.
   */
  @Test
  void josdksCopyOfAnInstanceGoesThroughTheOperatorsSerialization() {
    ClawInstance created = client.resource(instance(ns, "copied", "nginx:1.27", PullPolicy.ALWAYS)).create();

    ClawInstance copy = operator.getConfigurationService().getResourceCloner().clone(created);

    assertEquals(io.claw.operator.client.ClientSerialization.class,
        client.getKubernetesSerialization().getClass().getEnclosingClass());
    assertTrue(copy != created && copy.getSpec() != created.getSpec(), "the copy shares the instance's spec");
    assertEquals(client.getKubernetesSerialization().asJson(created), client.getKubernetesSerialization().asJson(copy));
  }

  /**
   * The client's watchers and informers call back on the operator's one thread for it
   * (client.ApiClient), not on fabric8's cached thread pool.
   */
  @Test
  void theClientsInformersCallBackOnTheOperatorsOneThread() throws Exception {
    java.util.concurrent.CompletableFuture<String> thread = new java.util.concurrent.CompletableFuture<>();
    var informer = client.configMaps().inNamespace(ns).inform(
        new io.fabric8.kubernetes.client.informers.ResourceEventHandler<io.fabric8.kubernetes.api.model.ConfigMap>() {
          @Override
          public void onAdd(io.fabric8.kubernetes.api.model.ConfigMap added) {
            thread.complete(Thread.currentThread().getName());
          }

          @Override
          public void onUpdate(io.fabric8.kubernetes.api.model.ConfigMap before,
              io.fabric8.kubernetes.api.model.ConfigMap after) {
          }

          @Override
          public void onDelete(io.fabric8.kubernetes.api.model.ConfigMap deleted, boolean unknownState) {
          }
        });
    try {
      client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
          .withNewMetadata().withName("seen").endMetadata().build()).create();
      assertEquals(io.claw.operator.client.ApiClient.CALLBACK_THREAD,
          thread.get(30, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      informer.close();
    }
  }

  @jakarta.inject.Inject
  io.vertx.core.Vertx vertx;

  /**
   * The Vert.x that the API client runs on (client.TunedHttpClientFactory takes Quarkus's) has one
   * event loop (quarkus.vertx.event-loops-pool-size), so the HTTP/2 connection and every watch's
   * WebSocket are read by one thread: Quarkus's default is two per core.
   */
  @Test
  void theApiClientsVertxHasOneEventLoop() {
    List<io.netty.util.concurrent.EventExecutor> loops = new ArrayList<>();
    vertx.nettyEventLoopGroup().iterator().forEachRemaining(loops::add);
    assertEquals(1, loops.size(), "event loops: " + loops);
  }

  @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
  java.net.URI metricsEndpoint;

  @io.quarkus.test.common.http.TestHTTPResource("/q/health/ready")
  java.net.URI readinessEndpoint;

  @io.quarkus.test.common.http.TestHTTPResource("/q/health/live")
  java.net.URI livenessEndpoint;

  @Test
  void healthEndpointsReportUpForTheProbes() throws Exception {
    for (java.net.URI endpoint : List.of(readinessEndpoint, livenessEndpoint)) {
      String body = get(endpoint);
      assertTrue(body.contains("\"status\": \"UP\""), endpoint + ": " + body);
    }
    assertTrue(get(readinessEndpoint).contains("clawinstance"), "the operator's own readiness check is included");
  }

  private String scrapeMetrics() throws Exception {
    return get(metricsEndpoint);
  }

  private static String get(java.net.URI uri) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var response = http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), uri + ": " + response.body());
    return response.body();
  }

  private static double metricValue(String scraped, String series) {
    return scraped.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length()).trim())).orElse(-1.0);
  }

  @Test
  void noStatusWriteWhenNothingChanged() {
    client.resource(instance(ns, "quiet", "nginx:1.27", null)).create();
    awaitPod(client, ns, "quiet", p -> true);
    ClawInstanceStatus settled = awaitStatus(client, ns, "quiet", s -> "PodNotScheduled".equals(
        s.condition(ClawCondition.READY).map(ClawCondition::reason).orElse("")));
    String version = client.resources(ClawInstance.class).inNamespace(ns).withName("quiet").get()
        .getMetadata().getResourceVersion();

    // A Pod event that changes nothing the status depends on: reconciles, writes nothing.
    client.pods().inNamespace(ns).withName("quiet").edit(p -> new PodBuilder(p).editMetadata()
        .addToLabels("touched", "yes").endMetadata().build());
    await().during(java.time.Duration.ofSeconds(2)).until(() -> version.equals(
        client.resources(ClawInstance.class).inNamespace(ns).withName("quiet").get().getMetadata().getResourceVersion()));
    assertEquals(settled, client.resources(ClawInstance.class).inNamespace(ns).withName("quiet").get().getStatus());
  }

  @Test
  void podNameTakenBySomeoneElseIsReported() {
    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("taken").endMetadata()
        .withNewSpec().addNewContainer().withName("other").withImage("busybox").endContainer().endSpec().build())
        .create();
    client.resource(instance(ns, "taken", "nginx:1.27", null)).create();

    ClawInstanceStatus status = awaitStatus(client, ns, "taken", s -> s.phase() == Phase.Failed);
    assertEquals("PodNameConflict", status.condition(ClawCondition.READY).orElseThrow().reason());
    Pod foreign = client.pods().inNamespace(ns).withName("taken").get();
    assertEquals("busybox", foreign.getSpec().getContainers().get(0).getImage(), "foreign Pod untouched");
  }

  @Test
  void instanceWithoutImageAndNoOperatorDefaultSaysSo() {
    client.resource(instance(ns, "noimg", null, null)).create();

    ClawInstanceStatus status = awaitStatus(client, ns, "noimg", s -> s.phase() != null);
    assertEquals(Phase.Failed, status.phase());
    assertEquals("NoImage", status.condition(ClawCondition.READY).orElseThrow().reason());
    assertTrue(status.message().contains("claw.operator.default-image"), status.message());
    assertNull(client.pods().inNamespace(ns).withName("noimg").get());
  }

  /**
   * GitOps tools read kstatus's rules (Flux's health checks, kubectl's status readers): a failing
   * instance is Failed, not Current, and `kubectl wait --for=condition=Stalled` returns; a starting
   * one is InProgress until its Pod runs and is ready, then Current.
   */
  @Test
  void kstatusCallsAFailingInstanceFailedAndAStartingOneInProgressUntilItIsReady() {
    client.resource(instance(ns, "noimg", null, null)).create();
    awaitStatus(client, ns, "noimg", s -> s.phase() == Phase.Failed);
    ClawInstance failing = client.resources(ClawInstance.class).inNamespace(ns).withName("noimg").get();
    assertEquals(io.claw.operator.testing.Kstatus.Status.Failed, io.claw.operator.testing.Kstatus.of(failing),
        failing.getStatus().toString());
    var waited = io.claw.operator.testing.KubeApiServerResource.cluster().kubectl(null, "wait",
        "--for=condition=Stalled", "claw/noimg", "-n", ns, "--timeout=10s");
    assertEquals(0, waited.exitCode(), waited.output());

    client.resource(instance(ns, "web", "nginx:1.27", null)).create();
    awaitPod(client, ns, "web", p -> true);
    awaitStatus(client, ns, "web", s -> s.phase() == Phase.Pending);
    assertEquals(io.claw.operator.testing.Kstatus.Status.InProgress, io.claw.operator.testing.Kstatus.of(
        client.resources(ClawInstance.class).inNamespace(ns).withName("web").get()));
    kubeletReports(client, ns, "web", running("nginx@sha256:" + "1".repeat(64)));
    awaitStatus(client, ns, "web", s -> s.phase() == Phase.Running && s.condition(ClawCondition.RECONCILING).isEmpty());
    assertEquals(io.claw.operator.testing.Kstatus.Status.Current, io.claw.operator.testing.Kstatus.of(
        client.resources(ClawInstance.class).inNamespace(ns).withName("web").get()));
  }

  @Test
  void podRejectedByTheApiServerIsReportedInStatus() {
    ClawInstance instance = instance(ns, "rejected", "nginx:1.27", null);
    // refused by every Kubernetes version (unlike env var names, which 1.34 relaxed)
    instance.getSpec().setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("2"))
        .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("1")).build());
    client.resource(instance).create();

    ClawInstanceStatus status = awaitStatus(client, ns, "rejected", s -> s.phase() == Phase.Failed);
    ClawCondition ready = status.condition(ClawCondition.READY).orElseThrow();
    assertEquals("ReconcileError", ready.reason());
    assertTrue(ready.message().contains("must be less than or equal to cpu limit"), ready.message());
    assertNull(client.pods().inNamespace(ns).withName("rejected").get());
  }

  private static boolean isClawInstance(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readAllLines(file).contains("kind: ClawInstance");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void everyExampleAppliesWithKubectlAndGetsItsPod() throws java.io.IOException {
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("examples"))) {
      // examples/ also holds other tools' objects (a Flux Kustomization); those are tested where their tool is
      var instances = files.filter(f -> f.toString().endsWith(".yaml")).filter(ClawInstanceReconcilerTest::isClawInstance)
          .sorted().toList();
      assertTrue(instances.size() >= 6, "ClawInstance examples found: " + instances);
      for (var file : instances) {
        var result = KubeApiServerResource.cluster().kubectl(null, "apply", "-n", ns, "-f", file.toString());
        assertEquals(0, result.exitCode(), file + ": " + result.output());
        ClawInstance applied = client.getKubernetesSerialization()
            .unmarshal(java.nio.file.Files.readString(file), ClawInstance.class);
        String name = applied.getMetadata().getName();
        Pod pod = awaitPod(client, ns, name, p -> true);
        String expected = applied.getSpec().getPullPolicy() == null ? "IfNotPresent"
            : applied.getSpec().getPullPolicy().value();
        assertEquals(expected, pod.getSpec().getContainers().get(0).getImagePullPolicy(), file.toString());
      }
    }
  }

  @Test
  void kubectlGetShowsPhaseImagePolicyAndFailure() {
    client.resource(instance(ns, "shown", "registry.example.com/app:2.0", null)).create();
    awaitPod(client, ns, "shown", p -> true);
    kubeletReports(client, ns, "shown", waiting("ErrImageNeverPull", "Container image is not present with pull policy of Never"));
    awaitStatus(client, ns, "shown", s -> s.pullFailureReason() != null);

    var result = KubeApiServerResource.cluster().kubectl(null, "get", "claw", "-n", ns);
    System.out.println("kubectl get claw:\n" + result.output());
    System.out.println("kubectl get claw -o wide:\n"
        + KubeApiServerResource.cluster().kubectl(null, "get", "claw", "-n", ns, "-o", "wide").output());

    assertEquals(0, result.exitCode(), result.output());
    String[] lines = result.output().strip().split("\n");
    Map<String, String> row = columns(lines[0], lines[1]);
    assertEquals("shown", row.get("NAME"));
    assertEquals("ImagePullFailed", row.get("PHASE"));
    assertEquals("registry.example.com/app:2.0", row.get("IMAGE"));
    assertEquals("IfNotPresent", row.get("PULL-POLICY"));
    assertEquals("ErrImageNeverPull", row.get("PULL-FAILURE"));
    assertEquals("NotPresentOnNode", row.get("CAUSE"));
    assertEquals("False", row.get("READY"));
    assertEquals("", row.get("ADDRESS"), "no spec.service, no address");
    assertEquals(List.of("NAME", "READY", "PHASE", "IMAGE", "ADDRESS", "PULL-POLICY", "PULL-FAILURE", "CAUSE", "AGE"),
        List.of(lines[0].trim().split("\\s+")), "READY first and AGE last, as kubectl shows built-in kinds");
    String wide = KubeApiServerResource.cluster().kubectl(null, "get", "claw", "-n", ns, "-o", "wide").output();
    assertTrue(wide.lines().findFirst().orElseThrow().matches(".*PULL-FAILURE\\s+CAUSE\\s+MESSAGE\\s+HINT\\s+AGE\\s*"), wide);
    assertTrue(wide.contains("forbids pulling it: load the image onto the node"), wide);
  }

  /** A kubectl table row by column: each column starts where its header does, and may be empty. */
  private static Map<String, String> columns(String header, String line) {
    var starts = new java.util.ArrayList<Integer>();
    var matcher = java.util.regex.Pattern.compile("\\S+").matcher(header);
    var names = new java.util.ArrayList<String>();
    while (matcher.find()) {
      starts.add(matcher.start());
      names.add(matcher.group());
    }
    var map = new java.util.LinkedHashMap<String, String>();
    for (int i = 0; i < names.size(); i++) {
      int from = Math.min(starts.get(i), line.length());
      int to = i + 1 < names.size() ? Math.min(starts.get(i + 1), line.length()) : line.length();
      map.put(names.get(i), line.substring(from, to).trim());
    }
    return map;
  }

  /**
   * The claim and the Service against the API server: created with the Pod, the claim's owner
   * reference following whenDeleted, the Service following spec.service (gone when it is
   * removed), and stop deleting the Pod while both stay.
   */
  @Test
  void theClaimAndTheServiceFollowTheSpecAndAStoppedInstanceKeepsThem() {
    ClawInstance desk = io.claw.operator.testing.Fixtures.withClaimAndService(instance(ns, "desk", "nginx:1.27", null));
    desk.getSpec().getStorage().setWhenDeleted(io.claw.operator.api.InstanceStorage.ClaimRetention.Delete);
    ClawInstance created = client.resource(desk).create();

    Pod pod = awaitPod(client, ns, "desk", p -> true);
    assertEquals("desk-storage", pod.getSpec().getVolumes().stream()
        .filter(v -> v.getPersistentVolumeClaim() != null).findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName());
    var claim = await().until(() -> client.persistentVolumeClaims().inNamespace(ns).withName("desk-storage").get(),
        java.util.Objects::nonNull);
    assertEquals(created.getMetadata().getUid(), claim.getMetadata().getOwnerReferences().get(0).getUid());
    var service = await().until(() -> client.services().inNamespace(ns).withName("desk").get(), java.util.Objects::nonNull);
    assertEquals(3001, service.getSpec().getPorts().get(0).getPort());
    ClawInstanceStatus status = awaitStatus(client, ns, "desk", s -> s.address() != null && s.storage() != null);
    assertEquals("desk." + ns + ".svc:3001", status.address());
    assertEquals("desk-storage", status.storage().claimName());

    editSpec(client, ns, "desk", spec -> {
      spec.getStorage().setWhenDeleted(io.claw.operator.api.InstanceStorage.ClaimRetention.Retain);
      spec.setService(null);
    });
    await().until(() -> client.persistentVolumeClaims().inNamespace(ns).withName("desk-storage").get()
        .getMetadata().getOwnerReferences().isEmpty());
    await().until(() -> client.services().inNamespace(ns).withName("desk").get() == null);
    awaitStatus(client, ns, "desk", s -> s.address() == null);

    editSpec(client, ns, "desk", spec -> {
      spec.setStopped(true);
      spec.setImagePullSecrets(List.of("regcred"));
    });
    ClawInstanceStatus stopped = awaitStatus(client, ns, "desk", s -> s.phase() == Phase.Stopped);
    assertTrue(stopped.condition(ClawCondition.PULL_SECRETS_FOUND).isEmpty(),
        "a stopped instance reads no pull secret: " + stopped.conditions());
    assertNull(client.pods().inNamespace(ns).withName("desk").get());
    assertNotNull(client.persistentVolumeClaims().inNamespace(ns).withName("desk-storage").get());
    assertEquals("Stopped", stopped.condition(ClawCondition.READY).orElseThrow().reason());
    assertEquals("nginx:1.27", stopped.image(), "the image it runs once started");

    editSpec(client, ns, "desk", spec -> spec.setStopped(false));
    awaitPod(client, ns, "desk", p -> !p.getMetadata().getUid().equals(pod.getMetadata().getUid()));
  }
}
