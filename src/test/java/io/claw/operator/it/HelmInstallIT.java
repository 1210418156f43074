package io.claw.operator.it;

import static io.claw.operator.testing.Fixtures.await;
import static io.claw.operator.testing.Fixtures.awaitPod;
import static io.claw.operator.testing.Fixtures.awaitStatus;
import static io.claw.operator.testing.Fixtures.editSpec;
import static io.claw.operator.testing.Fixtures.instance;
import static io.claw.operator.testing.Fixtures.kubeletReports;
import static io.claw.operator.testing.Fixtures.newNamespace;
import static io.claw.operator.testing.Fixtures.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.InstanceStorage;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.testing.Fixtures;
import io.claw.operator.testing.OperatorProcess;
import io.claw.operator.testing.TestCluster;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * helm install into a real API server, then the packaged operator run as the chart's
 * ServiceAccount with the chart's environment: proves the CRD lands from the chart, the values
 * reach the operator, and the chart's RBAC is enough for everything the operator does.
 */
class HelmInstallIT {

  private static final String RELEASE_NAMESPACE = "claw-system";

  private static TestCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void startCluster() {
    // OpenShift enables this plugin: setting blockOwnerDeletion on a Pod then needs the right to
    // update the owner's finalizers, which the chart must grant.
    cluster = new TestCluster("helm-install-it", "--enable-admission-plugins", "OwnerReferencesPermissionEnforcement")
        .withoutCrds().start();
    client = cluster.client();
  }

  @AfterAll
  static void stopCluster() {
    client.close();
    cluster.close();
  }

  /**
   * Installs the chart and returns the environment its Deployment gives the operator, with a
   * kubeconfig holding a real token of the chart's ServiceAccount, to run the packaged operator
   * exactly as the chart would.
   */
  private static Map<String, String> install(String release, String namespace, Map<String, String> values) {
    var install = new Helm(Path.of("helm", "claw-operator")).install()
        .withName(release).withNamespace(namespace).createNamespace()
        .withKubeConfig(cluster.kubeconfig());
    values.forEach(install::set);
    // one release owns the CRD (docs/operations.md, sharding): the others leave it out
    if (client.apiextensions().v1().customResourceDefinitions().withName("clawinstances.claw.io").get() != null
        && !values.containsKey("crds.install")) {
      install.set("crds.install", "false");
    }
    install.call();

    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(release + "-claw-operator").get();
    var podSpec = deployment.getSpec().getTemplate().getSpec();
    String token = client.serviceAccounts().inNamespace(namespace).withName(podSpec.getServiceAccountName())
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : podSpec.getContainers().get(0).getEnv()) {
      // the downward API would give the Pod's namespace
      env.put(var.getName(), var.getValue() != null ? var.getValue() : namespace);
    }
    env.put("KUBECONFIG", cluster.kubeconfigForToken(release + "-sa", token).toString());
    env.put("QUARKUS_HTTP_PORT", "0");
    return env;
  }

  @Test
  void installedChartRunsTheOperatorWithLeastPrivilege() throws Exception {
    Map<String, String> env = install("claw", RELEASE_NAMESPACE,
        Map.of("operator.defaultPullPolicy", "Always", "operator.leaderElection.enabled", "true"));
    assertNotNull(client.apiextensions().v1().customResourceDefinitions().withName("clawinstances.claw.io").get(),
        "the chart installs the CRD");

    String ns = newNamespace(client);
    try (OperatorProcess operator = OperatorProcess.start("helm-installed", env)) {
      ClawInstance app = instance(ns, "app", "registry.example.com/app:1", null);
      app.getSpec().getImagePullSecrets().add("regcred");
      client.resource(app).create();
      Pod pod = awaitPod(client, ns, "app", p -> true);
      assertEquals("Always", pod.getSpec().getContainers().get(0).getImagePullPolicy(), "value from helm --set");
      awaitStatus(client, ns, "app", s -> s.pullPolicySource() == PullPolicySource.OPERATOR_DEFAULT);
      // secrets: get (a missing one is found missing, not Forbidden)
      awaitStatus(client, ns, "app", s -> s.condition(ClawCondition.PULL_SECRETS_FOUND)
          .filter(c -> "SecretNotFound".equals(c.reason())).isPresent());

      // events: create
      kubeletReports(client, ns, "app", waiting("ErrImagePull", "denied"));
      awaitStatus(client, ns, "app", s -> s.phase() == Phase.ImagePullFailed);
      await().until(() -> client.v1().events().inNamespace(ns).list().getItems().size() == 1);
      // pods: patch (image in place), then delete + create (policy change)
      editSpec(client, ns, "app", spec -> spec.setImage("registry.example.com/app:2"));
      awaitPod(client, ns, "app", p -> "registry.example.com/app:2".equals(p.getSpec().getContainers().get(0).getImage()));
      editSpec(client, ns, "app", spec -> spec.setPullPolicy(PullPolicy.NEVER));
      awaitPod(client, ns, "app", p -> "Never".equals(p.getSpec().getContainers().get(0).getImagePullPolicy()));

      // persistentvolumeclaims: create, patch (the owner reference, which OwnerReferencesPermissionEnforcement
      // allows only with delete); services: create, patch, delete;
      // events: list (why a claim has not bound: here no controller binds it, so no Event says why)
      ClawInstance desk = Fixtures.withClaimAndService(instance(ns, "desk", "registry.example.com/app:1", null));
      desk.getSpec().getStorage().setWhenDeleted(InstanceStorage.ClaimRetention.Delete);
      client.resource(desk).create();
      awaitStatus(client, ns, "desk", s -> s.address() != null && s.condition(ClawCondition.STORAGE_READY)
          .filter(c -> Reasons.CLAIM_PENDING.equals(c.reason())).isPresent());
      editSpec(client, ns, "desk", spec -> {
        spec.getStorage().setWhenDeleted(InstanceStorage.ClaimRetention.Retain);
        spec.setPort(3002);
      });
      await().until(() -> client.persistentVolumeClaims().inNamespace(ns).withName("desk-storage").get()
          .getMetadata().getOwnerReferences().isEmpty()
          && client.services().inNamespace(ns).withName("desk").get().getSpec().getPorts().get(0).getPort() == 3002);
      editSpec(client, ns, "desk", spec -> spec.setService(null));
      await().until(() -> client.services().inNamespace(ns).withName("desk").get() == null);

      assertNotNull(client.leases().inNamespace(RELEASE_NAMESPACE).withName("claw-operator-lease").get(),
          "leader election holds its Lease");
      String metrics = operator.get("/q/metrics");
      assertTrue(metrics.contains("reconciliations_started_total{controller_name=\"clawinstance\"}"),
          "JOSDK's reconcile metrics in the packaged operator:\n" + metrics);
      assertTrue(metrics.contains("claw_image_pull_failures_total{cause=\"Unknown\",reason=\"ErrImagePull\"} 1.0"), metrics);
      String log = operator.output();
      assertFalse(log.contains("Forbidden") || log.contains("forbidden"), log);
      // Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds (30 s) before SIGKILL.
      assertTrue(operator.stopGracefully(20), "operator with leader election exits on SIGTERM:\n" + operator.output());
    }
  }

  /**
   * Serving a list of namespaces, the chart grants get, list and watch on those Namespaces alone,
   * by name, and the operator watches each by name: a namespace's default reaches its instances.
   */
  @Test
  void servingListedNamespacesReadsOnlyThoseByName() throws Exception {
    String served = newNamespace(client);
    String other = newNamespace(client);
    Map<String, String> env = install("listed", "claw-listed", Map.of("operator.watchNamespaces[0]", served));
    try (OperatorProcess operator = OperatorProcess.start("helm-listed-namespaces", env)) {
      client.resource(instance(served, "app", "registry.example.com/app:1", null)).create();
      awaitStatus(client, served, "app", s -> s.pullPolicySource() == PullPolicySource.OPERATOR_DEFAULT);
      client.namespaces().withName(served).edit(n -> {
        n.getMetadata().setAnnotations(Map.of(EffectivePullPolicy.NAMESPACE_ANNOTATION, "Never"));
        return n;
      });
      awaitStatus(client, served, "app", s -> s.pullPolicySource() == PullPolicySource.NAMESPACE);
      awaitPod(client, served, "app", p -> "Never".equals(p.getSpec().getContainers().get(0).getImagePullPolicy()));
      String log = operator.output();
      assertFalse(log.contains("Namespaces are not read") || log.contains("Forbidden") || log.contains("forbidden"), log);
    }
    // the right is by name: the served namespace, not the other one, nor the list of all
    try (KubernetesClient asOperator = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(Path.of(env.get("KUBECONFIG"))))).build()) {
      assertNotNull(asOperator.namespaces().withName(served).get());
      assertEquals(403, assertThrows(KubernetesClientException.class,
          () -> asOperator.namespaces().withName(other).get()).getCode());
      assertEquals(403, assertThrows(KubernetesClientException.class, () -> asOperator.namespaces().list()).getCode());
    }
  }

  /**
   * Without the right to read Namespaces (readNamespaces=false, or RBAC trimmed by hand) an
   * operator told to read them checks first, says so once, and serves without the namespace level.
   */
  @Test
  void withoutTheRightToReadNamespacesTheNamespaceLevelIsSkippedAndSaidOnce() throws Exception {
    Map<String, String> env = install("nonamespaces", "claw-nonamespaces", Map.of("operator.readNamespaces", "false"));
    assertEquals("false", env.get("CLAW_OPERATOR_READ_NAMESPACES"));
    String ns = newNamespace(client);
    client.namespaces().withName(ns).edit(n -> {
      n.getMetadata().setAnnotations(Map.of(EffectivePullPolicy.NAMESPACE_ANNOTATION, "Never"));
      return n;
    });
    Map<String, String> reading = new HashMap<>(env);
    reading.put("CLAW_OPERATOR_READ_NAMESPACES", "true");
    try (OperatorProcess operator = OperatorProcess.start("helm-no-namespaces-right", reading)) {
      client.resource(instance(ns, "app", "registry.example.com/app:1", null)).create();
      var status = awaitStatus(client, ns, "app", s -> s.pullPolicySource() != null && s.podSecurity() != null);
      assertEquals(PullPolicySource.OPERATOR_DEFAULT, status.pullPolicySource());
      assertTrue(status.podSecurity().reason().contains("the operator may not read namespaces"),
          status.podSecurity().reason());
      client.resource(instance(ns, "second", "registry.example.com/app:1", null)).create();
      awaitPod(client, ns, "second", p -> true);
      String log = operator.output();
      assertEquals(1, log.split("Namespaces are not read", -1).length - 1, "said once:\n" + log);
      assertTrue(log.contains("the operator may not get namespaces"), log);
    }
  }

  /**
   * checkPullSecrets=false takes away the right to get Secrets and the check with it. An operator
   * told to check without that right (RBAC trimmed by hand) says Unknown instead of failing.
   */
  @Test
  void withoutTheRightToGetSecretsThePullSecretCheckSaysUnknownOrIsOff() throws Exception {
    Map<String, String> env = install("nosecrets", "claw-nosecrets", Map.of("operator.checkPullSecrets", "false"));
    assertEquals("false", env.get("CLAW_OPERATOR_CHECK_PULL_SECRETS"));
    String ns = newNamespace(client);
    ClawInstance app = instance(ns, "app", "registry.example.com/app:1", null);
    app.getSpec().getImagePullSecrets().add("regcred");

    Map<String, String> checking = new HashMap<>(env);
    checking.put("CLAW_OPERATOR_CHECK_PULL_SECRETS", "true");
    try (OperatorProcess operator = OperatorProcess.start("helm-no-secrets-right", checking)) {
      client.resource(app).create();
      ClawCondition secrets = awaitStatus(client, ns, "app", s -> s.condition(ClawCondition.PULL_SECRETS_FOUND).isPresent())
          .condition(ClawCondition.PULL_SECRETS_FOUND).orElseThrow();
      assertEquals(ClawCondition.UNKNOWN, secrets.status());
      assertEquals("Forbidden", secrets.reason());
      awaitPod(client, ns, "app", p -> true);
      kubeletReports(client, ns, "app", waiting("ErrImagePull", "denied"));
      awaitStatus(client, ns, "app", s -> s.phase() == Phase.ImagePullFailed);
      String log = operator.output();
      assertEquals(1, log.split("no permission to get Secrets", -1).length - 1, "warned once:\n" + log);
    }

    try (OperatorProcess operator = OperatorProcess.start("helm-check-off", env)) {
      kubeletReports(client, ns, "app", waiting("ImagePullBackOff", "Back-off pulling image"));
      awaitStatus(client, ns, "app", s -> "ImagePullBackOff".equals(s.pullFailureReason())
          && s.condition(ClawCondition.PULL_SECRETS_FOUND).isEmpty());
      assertFalse(operator.output().contains("Secrets"), operator.output());
    }
  }

  /**
   * A status write that fails (here: the right to patch status is taken away, then given back)
   * must not turn into an Event and a counted pull failure per attempt: they follow the write.
   */
  @Test
  void eventsAndCountersFollowTheStatusWriteNotEachAttempt() throws Exception {
    Map<String, String> env = install("statusless", "claw-statusless", Map.of());
    var role = client.rbac().clusterRoles().withName("statusless-claw-operator");
    var rules = role.get().getRules();
    role.edit(r -> {
      r.setRules(rules.stream().filter(rule -> !rule.getResources().contains("clawinstances/status")).toList());
      return r;
    });
    String ns = newNamespace(client);
    try (OperatorProcess operator = OperatorProcess.start("helm-status-forbidden", env)) {
      client.resource(instance(ns, "app", "registry.example.com/app:1", null)).create();
      awaitPod(client, ns, "app", p -> true);
      kubeletReports(client, ns, "app", waiting("ErrImagePull", "denied"));
      // JOSDK retries the failed reconcile after 2, 3 and 4.5 s: three more attempts in 10 s
      await().atMost(java.time.Duration.ofSeconds(20)).until(() -> operator.output().split("clawinstances/status", -1).length > 3);
      assertTrue(client.v1().events().inNamespace(ns).list().getItems().isEmpty(),
          "no Event while the status cannot be written");
      assertTrue(!operator.get("/q/metrics").contains("claw_image_pull_failures_total{cause=\"Unknown\",reason=\"ErrImagePull\"}"),
          "no pull failure counted while the status cannot be written");

      role.edit(r -> {
        r.setRules(rules);
        return r;
      });
      kubeletReports(client, ns, "app", waiting("ErrImagePull", "denied again"));
      awaitStatus(client, ns, "app", s -> s.phase() == Phase.ImagePullFailed);
      await().during(java.time.Duration.ofSeconds(3)).atMost(java.time.Duration.ofSeconds(10))
          .until(() -> client.v1().events().inNamespace(ns).list().getItems().size() == 1);
      assertTrue(operator.get("/q/metrics").contains("claw_image_pull_failures_total{cause=\"Unknown\",reason=\"ErrImagePull\"} 1.0"),
          operator.get("/q/metrics"));
    }
  }
}
