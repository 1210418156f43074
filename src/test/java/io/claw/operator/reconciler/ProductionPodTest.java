package io.claw.operator.reconciler;

import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.claw.operator.api.AppVolume;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.Labels;
import io.claw.operator.pod.PodSecurity;
import io.claw.operator.testing.ApiServerTest;
import io.claw.operator.testing.KubeApiServerResource;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Pod of a real app against a real API server: the profile that follows the namespace's
 * Pod Security label, the checks before a Pod is created, no ServiceAccount token by default,
 * and the instance's own labels and annotations beside the operator's.
 */
@QuarkusTest
@WithTestResource(KubeApiServerResource.class)
class ProductionPodTest extends ApiServerTest {

  private static final String IMAGE = "registry.local/app:1";

  @Test
  void aNamespaceThatEnforcesRestrictedGetsTheRestrictedPodAndLosingTheLabelReplacesItOnce() {
    labelNamespace("restricted");
    client.resource(instance(ns, "web", IMAGE, null)).create();
    Pod restricted = awaitPod(client, ns, "web", p -> true);
    assertEquals(true, restricted.getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", restricted.getSpec().getSecurityContext().getSeccompProfile().getType());
    SecurityContext container = restricted.getSpec().getContainers().get(0).getSecurityContext();
    assertEquals(false, container.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), container.getCapabilities().getDrop());
    ClawInstanceStatus status = awaitStatus(client, ns, "web", s -> s.podSecurity() != null);
    assertEquals(PodSecurityProfile.RESTRICTED, status.podSecurity().profile());
    assertEquals("namespace " + ns + " enforces restricted (pod-security.kubernetes.io/enforce=restricted)",
        status.podSecurity().reason());

    // the Namespace's event reconciles its instances: the Pod is rebuilt to baseline, once
    labelNamespace(null);
    Pod baseline = awaitPod(client, ns, "web", p -> !p.getMetadata().getUid().equals(restricted.getMetadata().getUid()));
    // the API server defaults an absent securityContext to {}
    assertNull(baseline.getSpec().getSecurityContext().getRunAsNonRoot());
    assertNull(baseline.getSpec().getSecurityContext().getSeccompProfile());
    assertNull(baseline.getSpec().getContainers().get(0).getSecurityContext());
    assertEquals(PodSecurityProfile.BASELINE,
        awaitStatus(client, ns, "web", s -> s.podSecurity().profile() == PodSecurityProfile.BASELINE).podSecurity().profile());
    assertStaysTheSamePod(baseline);
  }

  @Test
  void aPodThatWouldFailTheRestrictedStandardIsNotCreatedAndTheStatusNamesTheControl() {
    labelNamespace("restricted");
    ClawInstance root = instance(ns, "root", IMAGE, null);
    SecurityContext asRoot = new SecurityContext();
    asRoot.setRunAsUser(0L);
    root.getSpec().setSecurityContext(asRoot);
    client.resource(root).create();
    ClawInstanceStatus refused = awaitStatus(client, ns, "root", s -> s.phase() == Phase.Failed);
    assertEquals(Reasons.POD_SECURITY_VIOLATION, ready(refused));
    assertTrue(refused.message().contains("Running as Non-root user: containers[claw].securityContext.runAsUser "
        + "must not be 0"), refused.message());
    assertTrue(refused.message().contains("namespace " + ns + " enforces restricted"), refused.message());
    assertNull(client.pods().inNamespace(ns).withName("root").get(), "no Pod is created");

    editSpec(client, ns, "root", spec -> spec.getSecurityContext().setRunAsUser(1000L));
    Pod pod = awaitPod(client, ns, "root", p -> true);
    assertEquals(1000L, pod.getSpec().getContainers().get(0).getSecurityContext().getRunAsUser());
  }

  @Test
  void theDefaultPodCarriesNoTokenAndANamedServiceAccountCanAskForOne() {
    client.resource(instance(ns, "plain", IMAGE, null)).create();
    assertEquals(false, awaitPod(client, ns, "plain", p -> true).getSpec().getAutomountServiceAccountToken());

    ClawInstance withToken = instance(ns, "api-client", IMAGE, null);
    withToken.getSpec().setServiceAccountName("reader");
    withToken.getSpec().setAutomountServiceAccountToken(true);
    client.resource(withToken).create();
    Pod pod = awaitPod(client, ns, "api-client", p -> true);
    assertEquals("reader", pod.getSpec().getServiceAccountName());
    assertEquals(true, pod.getSpec().getAutomountServiceAccountToken());
  }

  @Test
  void aSpecThatCannotMakeAPodSaysWhyAndLeavesTheRunningPodAlone() {
    ClawInstance app = instance(ns, "app", IMAGE, null);
    client.resource(app).create();
    Pod running = awaitPod(client, ns, "app", p -> true);

    editSpec(client, ns, "app", spec -> spec.setAutomountServiceAccountToken(true));
    ClawInstanceStatus invalid = awaitStatus(client, ns, "app", s -> Reasons.INVALID_SPEC.equals(ready(s)));
    assertTrue(invalid.message().startsWith("The spec cannot be built into a Pod: spec.automountServiceAccountToken is "
        + "true without spec.serviceAccountName"), invalid.message());
    assertTrue(invalid.message().endsWith("Pod app stays as it was until the spec can be applied"), invalid.message());

    editSpec(client, ns, "app", spec -> {
      spec.setAutomountServiceAccountToken(null);
      AppVolume twoSources = new AppVolume();
      twoSources.setName("config");
      twoSources.setConfigMap(new ConfigMapVolumeSource(null, null, "settings", null));
      twoSources.setEmptyDir(new EmptyDirVolumeSource());
      spec.setVolumes(List.of(twoSources));
      spec.setVolumeMounts(List.of(new VolumeMountBuilder().withName("data").withMountPath("/data").build()));
    });
    ClawInstanceStatus volumes = awaitStatus(client, ns, "app",
        s -> s.message() != null && s.message().contains("spec.volumes[config]"));
    assertTrue(volumes.message().contains("spec.volumes[config] must have exactly one of configMap, secret, "
        + "persistentVolumeClaim, emptyDir, projected (it has 2)"), volumes.message());
    assertTrue(volumes.message().contains("spec.volumeMounts[data] names no volume in spec.volumes"), volumes.message());
    assertEquals(running.getMetadata().getUid(), client.pods().inNamespace(ns).withName("app").get().getMetadata().getUid());
  }

  @Test
  void theInstancesLabelsAndAnnotationsGoOnThePodAndTheOperatorsOwnWin() {
    ClawInstance app = instance(ns, "labelled", IMAGE, null);
    app.getSpec().setPodLabels(Map.of("team", "shop", Labels.MANAGED_BY, "someone-else"));
    app.getSpec().setPodAnnotations(Map.of("prometheus.io/scrape", "true", Labels.APPLIED_IMAGE, "nginx:0"));
    client.resource(app).create();
    Pod pod = awaitPod(client, ns, "labelled", p -> true);
    assertEquals("shop", pod.getMetadata().getLabels().get("team"));
    assertEquals(Labels.MANAGED_BY_VALUE, pod.getMetadata().getLabels().get(Labels.MANAGED_BY));
    assertEquals("true", pod.getMetadata().getAnnotations().get("prometheus.io/scrape"));
    assertEquals(IMAGE, pod.getMetadata().getAnnotations().get(Labels.APPLIED_IMAGE));

    editSpec(client, ns, "labelled", spec -> spec.setPodLabels(Map.of("team", "checkout")));
    Pod relabelled = awaitPod(client, ns, "labelled", p -> "checkout".equals(p.getMetadata().getLabels().get("team")));
    assertNotEquals(pod.getMetadata().getUid(), relabelled.getMetadata().getUid());
  }

  private String ready(ClawInstanceStatus status) {
    return status.condition("Ready").orElseThrow().reason();
  }

  private void labelNamespace(String level) {
    client.namespaces().withName(ns).edit(n -> {
      if (level == null) {
        n.getMetadata().getLabels().remove(PodSecurity.ENFORCE_LABEL);
      } else {
        n.getMetadata().getLabels().put(PodSecurity.ENFORCE_LABEL, level);
      }
      return n;
    });
  }

  private void assertStaysTheSamePod(Pod pod) {
    Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(
        () -> client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get(),
        p -> p != null && p.getMetadata().getUid().equals(pod.getMetadata().getUid()));
  }
}
