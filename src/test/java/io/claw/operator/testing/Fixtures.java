package io.claw.operator.testing;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.InstanceService;
import io.claw.operator.api.InstanceStorage;
import io.claw.operator.api.PullPolicy;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Test helpers: instances, a simulated kubelet, and waits on what the operator does. */
public final class Fixtures {

  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private Fixtures() {
  }

  public static ConditionFactory await() {
    return Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
  }

  public static String newNamespace(KubernetesClient client) {
    String name = "t-" + UUID.randomUUID().toString().substring(0, 8);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    return name;
  }

  /** spec.storage of a size at a mount path, with the cluster's default class and retention. */
  public static InstanceStorage storage(String size, String mountPath) {
    InstanceStorage storage = new InstanceStorage();
    storage.setSize(new Quantity(size));
    storage.setMountPath(mountPath);
    return storage;
  }

  /** The instance with a 1Gi claim at /config, and a Service for port 3001, as a platform runs one. */
  public static ClawInstance withClaimAndService(ClawInstance instance) {
    instance.getSpec().setStorage(storage("1Gi", "/config"));
    instance.getSpec().setPort(3001);
    instance.getSpec().setService(new InstanceService());
    return instance;
  }

  /** An instance for the API server: the namespace, the name, the image and pull policy (null for none). */
  public static ClawInstance instance(String namespace, String name, String image, PullPolicy policy) {
    return TestInstance.named(name).in(namespace).image(image).pullPolicy(policy).build();
  }

  public static Pod awaitPod(KubernetesClient client, String namespace, String name, Predicate<Pod> condition) {
    return await().until(() -> client.pods().inNamespace(namespace).withName(name).get(),
        pod -> pod != null && condition.test(pod));
  }

  public static ClawInstanceStatus awaitStatus(KubernetesClient client, String namespace, String name,
      Predicate<ClawInstanceStatus> condition) {
    return awaitStatus(await(), client, namespace, name, condition);
  }

  /** The same, with another wait (a real node's pulls take longer than {@link #TIMEOUT}). */
  public static ClawInstanceStatus awaitStatus(ConditionFactory wait, KubernetesClient client, String namespace,
      String name, Predicate<ClawInstanceStatus> condition) {
    return wait.until(() -> client.resources(ClawInstance.class).inNamespace(namespace).withName(name).get(),
        ci -> ci != null && ci.getStatus() != null && condition.test(ci.getStatus())).getStatus();
  }

  /** Writes the Pod's status through the status subresource, as the kubelet does. */
  public static Pod kubeletReports(KubernetesClient client, String namespace, String name,
      UnaryOperator<ContainerStatusBuilder> container) {
    return client.pods().inNamespace(namespace).withName(name).editStatus(pod -> {
      ContainerStatus status = container.apply(new ContainerStatusBuilder()
          .withName("claw")
          .withImage(pod.getSpec().getContainers().get(0).getImage())
          .withImageID("")
          .withReady(false)
          .withRestartCount(0))
          .build();
      boolean running = status.getState() != null && status.getState().getRunning() != null;
      String ready = running && Boolean.TRUE.equals(status.getReady()) ? "True" : "False";
      return new PodBuilder(pod).editOrNewStatus()
          .withPhase(running ? "Running" : "Pending")
          .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready).build(),
              new PodConditionBuilder().withType("ContainersReady").withStatus(ready).build())
          .withContainerStatuses(List.of(status))
          .endStatus().build();
    });
  }

  /**
   * The kubelet reports that the Pod's one container ended and the Pod with it, as it does for a
   * Pod whose restartPolicy is not Always (Succeeded or Failed), or an evicted one (Failed, reason Evicted).
   */
  public static Pod kubeletEnds(KubernetesClient client, String namespace, String name, String phase, String reason,
      int exitCode, String message) {
    return client.pods().inNamespace(namespace).withName(name).editStatus(pod -> new PodBuilder(pod).editOrNewStatus()
        .withPhase(phase)
        .withReason(reason)
        .withContainerStatuses(new ContainerStatusBuilder().withName(pod.getSpec().getContainers().get(0).getName())
            .withImage(pod.getSpec().getContainers().get(0).getImage()).withImageID("sha256:" + "1".repeat(64))
            .withReady(false).withRestartCount(0)
            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
              .withMessage(message).endTerminated().endState()
            .build())
        .endStatus().build());
  }

  public static UnaryOperator<ContainerStatusBuilder> waiting(String reason, String message) {
    return b -> b.withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState();
  }

  public static UnaryOperator<ContainerStatusBuilder> running(String imageID) {
    return b -> b.withImageID(imageID).withReady(true)
        .withNewState().withNewRunning().withStartedAt("2026-01-01T00:00:00Z").endRunning().endState();
  }

  /**
   * Changes an instance's spec as a user's client would: read, change, write with the
   * resourceVersion, and on a conflict (the operator patched the status in between) read again.
   */
  public static ClawInstance editSpec(KubernetesClient client, String namespace, String name,
      java.util.function.Consumer<io.claw.operator.api.ClawInstanceSpec> change) {
    return retryOnConflict(() -> {
      ClawInstance current = client.resources(ClawInstance.class).inNamespace(namespace).withName(name).get();
      change.accept(current.getSpec());
      return client.resource(current).update();
    });
  }

  /**
   * A 409 means someone wrote in between: run the read-and-write again, as well-behaved writers
   * do, a bounded number of times, so that a writer that always wins in between fails the test
   * instead of hanging it.
   */
  public static <T> T retryOnConflict(java.util.function.Supplier<T> readAndWrite) {
    for (int attempt = 1;; attempt++) {
      try {
        return readAndWrite.get();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static final int CONFLICT_ATTEMPTS = 100;
}
