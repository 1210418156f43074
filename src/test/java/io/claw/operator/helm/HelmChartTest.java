package io.claw.operator.helm;

import static io.claw.operator.helm.Chart.all;
import static io.claw.operator.helm.Chart.env;
import static io.claw.operator.helm.Chart.one;
import static io.claw.operator.helm.Chart.operator;
import static io.claw.operator.helm.Chart.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import io.claw.operator.config.PullPolicyRulesConverter;
import io.claw.operator.api.PullPolicyRules;
import io.claw.operator.api.PullPolicyRule;
import io.claw.operator.api.PullPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.marcnuri.helm.Helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class HelmChartTest {

  /**
   * What the operator's code does with the API: informers list and watch instances and Pods, the
   * status is patched, Pods are created, patched (image), deleted and read on a name clash,
   * Events are created (and listed for a claim that has not bound), claims are created and patched
   * (grown, their owner set; never deleted, but OwnerReferencesPermissionEnforcement lets only who
   * may delete an object change its owner references), Services are created, patched and deleted, pull secrets are looked up by name; the Pod's owner reference blocks the
   * instance's deletion, which the OwnerReferencesPermissionEnforcement admission plugin only
   * allows with update on the instance's finalizers. Anything more is a privilege it does not need.
   */
  private static final Set<String> OPERATOR_RULES = Set.of(
      "claw.io/clawinstances:get,list,watch",
      "claw.io/clawinstances/status:patch",
      "claw.io/clawinstances/finalizers:update",
      "/pods:create,delete,get,list,patch,watch",
      "/persistentvolumeclaims:create,delete,get,list,patch,watch",
      "/services:create,delete,get,list,patch,watch",
      "/events:create,list",
      "/secrets:get");

  private static Set<String> rules(List<PolicyRule> rules) {
    return rules.stream().flatMap(r -> r.getResources().stream()
            .map(res -> String.join(",", r.getApiGroups()) + "/" + res + ":"
                + r.getVerbs().stream().sorted().collect(Collectors.joining(","))))
        .collect(Collectors.toSet());
  }

  @Test
  void lintsClean() {
    var result = new Helm(Chart.PATH).lint().strict().call();
    assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
  }

  @Test
  void defaultsRenderASafeOperator() {
    List<HasMetadata> objects = render(Map.of());
    Container container = operator(objects);
    assertEquals("IfNotPresent", env(container, "CLAW_OPERATOR_DEFAULT_PULL_POLICY"));
    assertNull(env(container, "CLAW_OPERATOR_DEFAULT_IMAGE"), "no default image unless configured");
    assertEquals("JOSDK_ALL_NAMESPACES", env(container, "QUARKUS_OPERATOR_SDK_NAMESPACES"));
    assertEquals("claw-operator:" + Chart.version(), container.getImage()); // appVersion = version

    var pod = one(objects, Deployment.class).getSpec().getTemplate().getSpec();
    assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
    assertEquals(Boolean.TRUE, container.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(Boolean.FALSE, container.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
    assertNull(pod.getSecurityContext().getRunAsUser(), "no fixed user: OpenShift's restricted SCC assigns one");
    assertNull(container.getSecurityContext().getRunAsUser());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
    assertEquals(pod.getServiceAccountName(), one(objects, ServiceAccount.class).getMetadata().getName());
    // half of the memory limit for the heap leaves room for the ~72 MiB of non-heap the benchmark measures
    assertEquals("50", env(container, "JAVA_MAX_MEM_RATIO"));
    // the heap fixed at its cap, C1 alone and G1, not the serial collector the JVM picks under 512Mi
    // (docs/benchmark.md)
    assertEquals("-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=50 -XX:MaxHeapFreeRatio=100 "
        + "-XX:TieredStopAtLevel=1 -XX:+UseG1GC", env(container, "JAVA_TOOL_OPTIONS"));
    assertEquals("50", env(container, "JAVA_INITIAL_MEM_RATIO"));
    assertEquals("512Mi", container.getResources().getLimits().get("memory").toString());
    // what the fixed heap keeps resident: the scheduler reserves it
    assertEquals("384Mi", container.getResources().getRequests().get("memory").toString());
  }

  @Test
  void jvmOptionsFollowTheHeapCapAndCanBeEmptied() {
    assertEquals("-XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=60 -XX:MaxHeapFreeRatio=100 -XX:+UseSerialGC",
        env(operator(render(Map.of("jvmMaxRamPercentage", "60", "jvmOptions", "-XX:+UseSerialGC"))), "JAVA_TOOL_OPTIONS"));
    assertEquals("-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=50 -XX:MaxHeapFreeRatio=100",
        env(operator(render(Map.of("jvmOptions", ""))), "JAVA_TOOL_OPTIONS"));
  }

  @Test
  void aHeapThatIsNotFixedGrowsAsG1Decides() {
    Container container = operator(render(Map.of("jvmHeapFixed", "false")));

    assertEquals("-XX:MaxRAMPercentage=50 -XX:TieredStopAtLevel=1 -XX:+UseG1GC", env(container, "JAVA_TOOL_OPTIONS"));
    assertNull(env(container, "JAVA_INITIAL_MEM_RATIO"));
    assertEquals("-XX:MaxRAMPercentage=50", env(operator(render(Map.of("jvmHeapFixed", "false", "jvmOptions", ""))),
        "JAVA_TOOL_OPTIONS"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Always", "IfNotPresent", "Never"})
  void defaultPullPolicyReachesTheOperator(String policy) {
    assertEquals(policy, env(operator(render(Map.of("operator.defaultPullPolicy", policy))),
        "CLAW_OPERATOR_DEFAULT_PULL_POLICY"));
  }

  @Test
  void anEmptyDefaultLeavesItToTheBuiltInPolicy() {
    assertTrue(operator(render(Map.of("operator.defaultPullPolicy", ""))).getEnv().stream()
        .noneMatch(e -> e.getName().equals("CLAW_OPERATOR_DEFAULT_PULL_POLICY")));
  }

  @Test
  void rulesReachTheOperatorAsTheJsonItReads() {
    List<HasMetadata> objects = render(Map.of(
        "operator.pullPolicyRules[0].name", "airgap-mirror",
        "operator.pullPolicyRules[0].registry", "mirror.airgap.local",
        "operator.pullPolicyRules[0].pullPolicy", "Never",
        "operator.pullPolicyRules[1].name", "harbor",
        "operator.pullPolicyRules[1].registry", "harbor.example.com",
        "operator.pullPolicyRules[1].credentialsRequired", "true",
        "operator.specOverridesCredentialsRequired", "true"));
    PullPolicyRules rules = new PullPolicyRulesConverter().convert(env(operator(objects), "CLAW_OPERATOR_PULL_POLICY_RULES"));
    assertEquals(List.of(
        new PullPolicyRule("airgap-mirror", "mirror.airgap.local", null, null, null, PullPolicy.NEVER, false),
        new PullPolicyRule("harbor", "harbor.example.com", null, null, null, null, true)), rules.list());
    assertEquals("true", env(operator(objects), "CLAW_OPERATOR_SPEC_OVERRIDES_CREDENTIALS_REQUIRED"));
    assertEquals("[]", env(operator(render(Map.of())), "CLAW_OPERATOR_PULL_POLICY_RULES"));
    assertEquals("false", env(operator(render(Map.of())), "CLAW_OPERATOR_SPEC_OVERRIDES_CREDENTIALS_REQUIRED"));
  }

  @Test
  void tagResolutionSettingsReachTheOperatorAndTheCaBundleIsMounted() {
    Map<String, Object> values = new java.util.HashMap<>();
    values.put("operator.tagResolution.defaultMode", "track");
    values.put("operator.tagResolution.interval", "2m");
    values.put("operator.tagResolution.endpoints[0]", "registry.local=http://10.0.0.5:5000");
    values.put("operator.tagResolution.endpoints[1]", "mirror.local=https://10.0.0.6");
    values.put("operator.tagResolution.insecureRegistries[0]", "registry.local");
    values.put("operator.tagResolution.neverResolve[0]", "*.node-only.local");
    values.put("operator.tagResolution.caBundleConfigMap", "registry-cas");
    values.put("operator.pullPolicyRules[0].name", "harbor-track");
    values.put("operator.pullPolicyRules[0].registry", "harbor.example.com");
    values.put("operator.pullPolicyRules[0].tagResolution", "track");
    List<HasMetadata> objects = render(values);
    Container operator = operator(objects);
    assertEquals("track", env(operator, "CLAW_OPERATOR_TAG_RESOLUTION_DEFAULT_MODE"));
    assertEquals("2m", env(operator, "CLAW_OPERATOR_TAG_RESOLUTION_INTERVAL"));
    assertEquals("registry.local=http://10.0.0.5:5000,mirror.local=https://10.0.0.6",
        env(operator, "CLAW_OPERATOR_TAG_RESOLUTION_ENDPOINTS"));
    assertEquals("registry.local", env(operator, "CLAW_OPERATOR_TAG_RESOLUTION_INSECURE_REGISTRIES"));
    assertEquals("*.node-only.local", env(operator, "CLAW_OPERATOR_TAG_RESOLUTION_NEVER_RESOLVE"));
    assertEquals("/etc/claw/registry-ca/ca.crt", env(operator, "CLAW_OPERATOR_TAG_RESOLUTION_CA_BUNDLE"));
    assertTrue(operator.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/etc/claw/registry-ca")));
    var deployment = one(objects, io.fabric8.kubernetes.api.model.apps.Deployment.class);
    assertTrue(deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getConfigMap() != null && "registry-cas".equals(v.getConfigMap().getName())));
    assertEquals(List.of(new PullPolicyRule("harbor-track", "harbor.example.com", null, null, null, null, false,
        io.claw.operator.api.TagResolution.TRACK)),
        new PullPolicyRulesConverter().convert(env(operator, "CLAW_OPERATOR_PULL_POLICY_RULES")).list());

    Container defaults = operator(render(Map.of()));
    assertEquals("none", env(defaults, "CLAW_OPERATOR_TAG_RESOLUTION_DEFAULT_MODE"));
    assertTrue(defaults.getEnv().stream().noneMatch(e -> e.getName().startsWith("CLAW_OPERATOR_TAG_RESOLUTION_CA")
        || e.getName().equals("CLAW_OPERATOR_TAG_RESOLUTION_ENDPOINTS")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "operator.tagResolution.defaultMode=Track | defaultMode",
      "operator.tagResolution.interval=5 minutes | interval",
      "operator.tagResolution.endpoints[0]=registry.local | endpoints",
      "operator.tagResolution.registryBudget=0 | registryBudget",
      "operator.pullPolicyRules[0].tagResolution=always | tagResolution",
  })
  void schemaRejectsBadTagResolutionValues(String setting, String named) {
    String[] keyValue = setting.split("=", 2);
    Map<String, Object> values = new java.util.HashMap<>(Map.of("operator.pullPolicyRules[0].name", "a",
        "operator.pullPolicyRules[0].pullPolicy", "Always"));
    values.put(keyValue[0], keyValue[0].endsWith("registryBudget") ? Integer.valueOf(keyValue[1]) : keyValue[1]);
    var e = assertThrows(IllegalStateException.class, () -> render(values));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "operator.pullPolicyRules[0].pullPolicy=always | pullPolicy",
      "operator.pullPolicyRules[0].pullpolicy=Always | pullpolicy",
      "operator.pullPolicyRules[0].registry=harbor.example.com | pullPolicyRules",
      "operator.pullPolicyRules[0].credentialsRequired=false | pullPolicyRules",
      "operator.pullPolicyRules[0].digest=yes | digest",
      "operator.pullPolicyRules[0].registry=https://harbor.example.com | registry",
  })
  void schemaRejectsABadRule(String setting, String named) {
    String[] keyValue = setting.split("=", 2);
    Map<String, Object> values = new java.util.HashMap<>(Map.of("operator.pullPolicyRules[0].name", "a"));
    values.put(keyValue[0], keyValue[1]);
    var e = assertThrows(IllegalStateException.class, () -> render(values));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }

  @Test
  void aRuleWithoutNameIsRejected() {
    var e = assertThrows(IllegalStateException.class,
        () -> render(Map.of("operator.pullPolicyRules[0].pullPolicy", "Always")));
    assertTrue(e.getMessage().contains("name"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Sometimes", "always", "IfNotPresent "})
  void schemaRejectsABadPullPolicy(String policy) {
    var e = assertThrows(IllegalStateException.class, () -> render(Map.of("operator.defaultPullPolicy", policy)));
    assertTrue(e.getMessage().contains("defaultPullPolicy"), e.getMessage());
    assertTrue(e.getMessage().contains("Always"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Team/App:1", "nginx:", "nginx 1"})
  void schemaRejectsADefaultImageTheCrdWouldRefuse(String image) {
    var e = assertThrows(IllegalStateException.class, () -> render(Map.of("operator.defaultImage", image)));
    assertTrue(e.getMessage().contains("defaultImage"), e.getMessage());
  }

  @Test
  void schemaHoldsTheDefaultImageToTheCrdGrammar() throws Exception {
    var schema = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Chart.PATH.resolve("values.schema.json").toFile());
    assertEquals("^$|" + io.claw.operator.api.ImageReference.PATTERN,
        schema.at("/properties/operator/properties/defaultImage/pattern").asText());
    assertEquals("registry.example.com/team/app:1.4", env(operator(render(
        Map.of("operator.defaultImage", "registry.example.com/team/app:1.4"))), "CLAW_OPERATOR_DEFAULT_IMAGE"));
  }

  @Test
  void clusterWideRbacIsExactlyWhatTheCodeUses() {
    List<HasMetadata> objects = render(Map.of());
    assertEquals(OPERATOR_RULES, rules(operatorRole(objects).getRules()));
    ClusterRoleBinding binding = all(objects, ClusterRoleBinding.class).stream()
        .filter(b -> !b.getMetadata().getName().endsWith(NODE_IMAGES) && !b.getMetadata().getName().endsWith(NAMESPACES))
        .findFirst().orElseThrow();
    assertEquals(one(objects, ServiceAccount.class).getMetadata().getName(), binding.getSubjects().get(0).getName());
    assertEquals("claw-system", binding.getSubjects().get(0).getNamespace());
    assertEquals(1, all(objects, Role.class).size(), "the Lease Role of the default leader election");
    assertTrue(all(render(Map.of("operator.leaderElection.enabled", "false")), Role.class).isEmpty(),
        "no leader-election Role unless enabled");
  }

  @Test
  void watchedNamespacesGetRolesOnlyThere() {
    List<HasMetadata> objects = render(Map.of("operator.watchNamespaces[0]", "team-a", "operator.watchNamespaces[1]", "team-b"));
    // Nodes and Namespaces are cluster-scoped: those rights stay ClusterRoles, and they are the only ones
    assertEquals(List.of("claw-claw-operator" + NODE_IMAGES, "claw-claw-operator" + NAMESPACES),
        all(objects, ClusterRole.class).stream().map(r -> r.getMetadata().getName()).toList());
    // besides the leader election's Role for its Lease in the release namespace
    List<Role> roles = all(objects, Role.class).stream()
        .filter(r -> !r.getMetadata().getName().endsWith("-leader-election")).toList();
    assertEquals(Set.of("team-a", "team-b"), roles.stream().map(r -> r.getMetadata().getNamespace()).collect(Collectors.toSet()));
    roles.forEach(role -> assertEquals(OPERATOR_RULES, rules(role.getRules())));
    assertEquals(3, all(objects, RoleBinding.class).size());
    assertEquals("team-a,team-b", env(operator(objects), "QUARKUS_OPERATOR_SDK_NAMESPACES"));
    // and Namespaces only those, by name
    ClusterRole namespaces = all(objects, ClusterRole.class).stream()
        .filter(r -> r.getMetadata().getName().endsWith(NAMESPACES)).findFirst().orElseThrow();
    assertEquals(List.of("team-a", "team-b"), namespaces.getRules().get(0).getResourceNames());
    assertEquals(Set.of("/namespaces:get,list,watch"), rules(namespaces.getRules()));
  }

  @Test
  void noSecretsRightWhenThePullSecretCheckIsOff() {
    List<HasMetadata> objects = render(Map.of("operator.checkPullSecrets", "false"));
    Set<String> withoutSecrets = new java.util.HashSet<>(OPERATOR_RULES);
    withoutSecrets.remove("/secrets:get");
    assertEquals(withoutSecrets, rules(operatorRole(objects).getRules()));
    assertEquals("false", env(operator(objects), "CLAW_OPERATOR_CHECK_PULL_SECRETS"));
    assertEquals("true", env(operator(render(Map.of())), "CLAW_OPERATOR_CHECK_PULL_SECRETS"));
  }

  @Test
  void nodesMayBeReadByNameOnlyWhileNodeImagesAreRead() {
    ClusterRole nodeImages = all(render(Map.of()), ClusterRole.class).stream()
        .filter(r -> r.getMetadata().getName().endsWith(NODE_IMAGES)).findFirst().orElseThrow();
    assertEquals(Set.of("/nodes:get"), rules(nodeImages.getRules()));
    List<HasMetadata> off = render(Map.of("operator.readNodeImages", "false"));
    assertTrue(all(off, ClusterRole.class).stream().noneMatch(r -> r.getMetadata().getName().endsWith(NODE_IMAGES)));
    assertEquals("false", env(operator(off), "CLAW_OPERATOR_READ_NODE_IMAGES"));
    assertEquals("true", env(operator(render(Map.of())), "CLAW_OPERATOR_READ_NODE_IMAGES"));
  }

  @Test
  void namespacesMayBeWatchedOnlyWhileTheyAreRead() {
    ClusterRole namespaces = all(render(Map.of()), ClusterRole.class).stream()
        .filter(r -> r.getMetadata().getName().endsWith(NAMESPACES)).findFirst().orElseThrow();
    assertEquals(Set.of("/namespaces:get,list,watch"), rules(namespaces.getRules()));
    assertEquals(List.of(), namespaces.getRules().get(0).getResourceNames(), "all namespaces when all are served");
    List<HasMetadata> off = render(Map.of("operator.readNamespaces", "false"));
    assertTrue(all(off, ClusterRole.class).stream().noneMatch(r -> r.getMetadata().getName().endsWith(NAMESPACES)));
    assertEquals("false", env(operator(off), "CLAW_OPERATOR_READ_NAMESPACES"));
    assertEquals("auto", env(operator(render(Map.of())), "CLAW_OPERATOR_POD_SECURITY"));
    assertEquals("restricted", env(operator(render(Map.of("operator.podSecurity", "restricted"))),
        "CLAW_OPERATOR_POD_SECURITY"));
    var e = assertThrows(IllegalStateException.class, () -> render(Map.of("operator.podSecurity", "Restricted")));
    assertTrue(e.getMessage().contains("podSecurity"), e.getMessage());
  }

  private static final String NODE_IMAGES = "-node-images";
  private static final String NAMESPACES = "-namespaces";

  /** The ClusterRole of the operator's own kinds (beside the ones for reading nodes and namespaces). */
  private static ClusterRole operatorRole(List<HasMetadata> objects) {
    List<ClusterRole> roles = all(objects, ClusterRole.class).stream()
        .filter(r -> !r.getMetadata().getName().endsWith(NODE_IMAGES) && !r.getMetadata().getName().endsWith(NAMESPACES))
        .toList();
    assertEquals(1, roles.size(), "one ClusterRole for the operator's kinds");
    return roles.get(0);
  }

  @Test
  void securityContextsAndNamesAreValues() {
    List<HasMetadata> objects = render(Map.of("podSecurityContext.runAsUser", "1000", "securityContext.privileged",
        "false", "fullnameOverride", "ops-claw"));
    Deployment deployment = one(objects, Deployment.class);
    assertEquals("ops-claw", deployment.getMetadata().getName());
    assertEquals(1000L, deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser());
    assertEquals(Boolean.FALSE, operator(objects).getSecurityContext().getPrivileged());
    assertEquals("claw-claws", one(render(Map.of("nameOverride", "claws")), Deployment.class).getMetadata().getName());
  }

  @Test
  void metricsServiceByDefaultServiceMonitorOnRequest() {
    List<HasMetadata> objects = render(Map.of());
    io.fabric8.kubernetes.api.model.Service service = one(objects, io.fabric8.kubernetes.api.model.Service.class);
    assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    assertEquals(one(objects, Deployment.class).getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
    assertTrue(objects.stream().noneMatch(o -> "ServiceMonitor".equals(o.getKind())));

    List<HasMetadata> monitored = render(Map.of("metrics.serviceMonitor.enabled", "true",
        "metrics.serviceMonitor.labels.release", "prometheus"));
    HasMetadata monitor = monitored.stream().filter(o -> "ServiceMonitor".equals(o.getKind())).findFirst().orElseThrow();
    assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
  }

  @Test
  void chartLabelIsAValidLabelValueForAnyChartVersion(@org.junit.jupiter.api.io.TempDir Path copy) throws Exception {
    try (var files = Files.walk(Chart.PATH, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      for (Path from : files.toList()) {
        Path to = copy.resolve(Chart.PATH.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    Path chartYaml = copy.resolve("Chart.yaml");
    String version = Chart.version();
    Files.writeString(chartYaml, Files.readString(chartYaml).replaceFirst("(?m)^version: .*$", "version: " + version
        + "+build.7"));
    String label = one(Chart.render(copy, Map.of()), Deployment.class).getMetadata().getLabels().get("helm.sh/chart");
    assertEquals("claw-operator-" + version + "_build.7", label);
  }

  @Test
  void twoOperatorsNeverReconcileAtOnceDuringAnUpgrade() {
    Deployment byDefault = one(render(Map.of()), Deployment.class);
    assertEquals("true", env(operator(render(Map.of())), "CLAW_OPERATOR_LEADER_ELECTION_ENABLED"));
    assertEquals("RollingUpdate", byDefault.getSpec().getStrategy().getType());
    assertEquals(0, byDefault.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());

    Deployment withoutLease = one(render(Map.of("operator.leaderElection.enabled", "false")), Deployment.class);
    assertEquals("Recreate", withoutLease.getSpec().getStrategy().getType(), "the old operator stops first");

    var e = assertThrows(IllegalStateException.class,
        () -> render(Map.of("operator.leaderElection.enabled", "false", "replicaCount", "2")));
    assertTrue(e.getMessage().contains("enabled"), e.getMessage());
    assertEquals(3, one(render(Map.of("replicaCount", "3")), Deployment.class).getSpec().getReplicas());
  }

  @Test
  void leaderElectionAddsOnlyLeaseRights() {
    List<HasMetadata> objects = render(Map.of("operator.leaderElection.enabled", "true", "replicaCount", "2"));
    Role lease = one(objects, Role.class);
    assertEquals("claw-system", lease.getMetadata().getNamespace());
    assertEquals(Set.of("coordination.k8s.io/leases:create,get,patch,update"), rules(lease.getRules()));
    assertEquals("true", env(operator(objects), "CLAW_OPERATOR_LEADER_ELECTION_ENABLED"));
    assertEquals(2, one(objects, Deployment.class).getSpec().getReplicas());
  }

  @Test
  void operatorImageValuesAndSettingsAreWired() {
    List<HasMetadata> objects = render(Map.of(
        "image.repository", "registry.example.com/claw-operator", "image.tag", "1.2.3", "image.pullPolicy", "Always",
        "imagePullSecrets[0].name", "regcred", "operator.defaultImage", "registry.example.com/claw:1",
        "operator.logLevel", "DEBUG"));
    Container container = operator(objects);
    assertEquals("registry.example.com/claw-operator:1.2.3", container.getImage());
    assertEquals("Always", container.getImagePullPolicy());
    assertEquals("regcred", one(objects, Deployment.class).getSpec().getTemplate().getSpec().getImagePullSecrets().get(0).getName());
    assertEquals("registry.example.com/claw:1", env(container, "CLAW_OPERATOR_DEFAULT_IMAGE"));
    assertEquals("DEBUG", env(container, "QUARKUS_LOG_LEVEL"));
  }

  /**
   * The CRD is a template (Helm upgrades it; crds/ it installs once and never again), rendered from
   * the committed CRD through a link (one copy), kept on uninstall, and left out on request.
   */
  @Test
  void theChartRendersTheCommittedCrdKeptOnUninstall() throws Exception {
    CustomResourceDefinition committed = new KubernetesSerialization().unmarshal(
        Files.readString(Path.of("crds", "clawinstances.claw.io-v1.yml")), CustomResourceDefinition.class);
    CustomResourceDefinition rendered = one(render(Map.of()), CustomResourceDefinition.class);
    assertEquals(committed.getSpec(), rendered.getSpec());
    assertEquals(committed.getMetadata().getName(), rendered.getMetadata().getName());
    assertEquals("keep", rendered.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
    assertEquals("Helm", rendered.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    assertTrue(Files.isSymbolicLink(Chart.PATH.resolve("files/crds")), "the chart links crds/, it keeps no copy");
    assertFalse(Files.exists(Chart.PATH.resolve("crds")), "no crds/: Helm would install it once and never upgrade it");

    assertTrue(render(Map.of("crds.install", false)).stream()
        .noneMatch(CustomResourceDefinition.class::isInstance), "crds.install=false leaves the CRD out");
    assertNull(one(render(Map.of("crds.keep", false)), CustomResourceDefinition.class).getMetadata()
        .getAnnotations().get("helm.sh/resource-policy"));
  }

  /** The dashboard ConfigMap behind its value: Grafana's JSON, one query per panel, the sidecar's label. */
  @Test
  void theGrafanaDashboardIsAConfigMapBehindAValue() throws Exception {
    assertTrue(render(Map.of()).stream().noneMatch(o -> o.getMetadata().getName().endsWith("-dashboard")));
    var map = one(render(Map.of("metrics.grafanaDashboard.enabled", true)),
        io.fabric8.kubernetes.api.model.ConfigMap.class);
    assertEquals("1", map.getMetadata().getLabels().get("grafana_dashboard"));
    var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(map.getData().get("claw-operator.json"));
    assertEquals("claw-operator", dashboard.path("uid").asText());
    assertTrue(dashboard.path("panels").size() >= 5, dashboard.toString());
    for (var panel : dashboard.path("panels")) {
      assertTrue(panel.path("targets").path(0).path("expr").asText().contains("_"), panel.toString());
    }
  }
}
