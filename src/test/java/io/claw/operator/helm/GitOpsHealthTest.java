package io.claw.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.api.Reasons;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.status.ImageRollout;
import io.claw.operator.status.NodeFacts;
import io.claw.operator.status.Observation;
import io.claw.operator.status.PodState;
import io.claw.operator.status.PullFailure;
import io.claw.operator.status.PullSecrets;
import io.claw.operator.status.Rejection;
import io.claw.operator.status.StatusCalculator;
import io.claw.operator.testing.Kstatus;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;

/**
 * What GitOps tools make of the statuses the operator computes: kstatus's rules (Flux's health
 * checks and wait, kubectl's status readers) and the Argo CD health check the chart ships
 * (files/argocd-health.lua), run by Debian's Lua 5.4, as Argo CD runs it (gopher-lua, Lua 5.1: the
 * script uses nothing that differs between the two).
 */
class GitOpsHealthTest {

  private static final Path LUA_CHECK = Chart.PATH.resolve("files/argocd-health.lua");
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final EffectivePullPolicy POLICY = new EffectivePullPolicy(PullPolicy.IF_NOT_PRESENT,
      PullPolicySource.BUILT_IN);
  private static final String IMAGE = "registry.local/app:1";

  private static ClawInstance instance() {
    return TestInstance.named("web").in("ns").uid("uid-1").generation(2).image(IMAGE).build();
  }

  private static Pod pod(ClawInstance instance, Function<ContainerStatusBuilder, ContainerStatusBuilder> container,
      String phase, boolean ready, String node) {
    return new PodBuilder(ClawPod.desired(instance, IMAGE, PullPolicy.IF_NOT_PRESENT, PodSecurityProfile.BASELINE))
        .editSpec().withNodeName(node).endSpec()
        .withNewStatus().withPhase(phase)
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build())
        .withContainerStatuses(container.apply(new ContainerStatusBuilder().withName("claw").withImage(IMAGE)
            .withReady(ready)).build())
        .endStatus().build();
  }

  private static Function<ContainerStatusBuilder, ContainerStatusBuilder> running() {
    return c -> c.withImageID("registry.local/app@sha256:" + "1".repeat(64)).withNewState().withNewRunning()
        .endRunning().endState();
  }

  private static ClawInstance computed(Function<ClawInstance, Observation> observe) {
    ClawInstance instance = instance();
    instance.setStatus(StatusCalculator.compute(observe.apply(instance), NOW));
    return instance;
  }

  private static Observation observation(ClawInstance i, PodState state, Pod pod, Rejection rejection,
      ImageRollout rollout) {
    return new Observation(i, POLICY, IMAGE, state, pod, PullSecrets.NOT_CHECKED, NodeFacts.UNKNOWN, null, rejection,
        null, null, null, null, rollout);
  }

  static Stream<Arguments> statuses() {
    ImageRollout pulling = new ImageRollout("registry.local/app:2", IMAGE, "node-1", null, null);
    ImageRollout pullFails = new ImageRollout("registry.local/app:2", IMAGE, "node-1",
        new PullFailure("pull", "ErrImagePull", "registry.local/app:2: not found"), null);
    return Stream.of(
        Arguments.of("not scheduled yet", computed(i -> observation(i, PodState.PRESENT,
            pod(i, c -> c.withImageID(""), "Pending", false, null), null, null)), "InProgress", "Progressing"),
        Arguments.of("creating its container", computed(i -> observation(i, PodState.PRESENT,
            pod(i, c -> c.withImageID("").withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting()
                .endState(), "Pending", false, "node-1"), null, null)), "InProgress", "Progressing"),
        Arguments.of("running, not ready", computed(i -> observation(i, PodState.PRESENT,
            pod(i, running(), "Running", false, "node-1"), null, null)), "InProgress", "Progressing"),
        Arguments.of("running and ready", computed(i -> observation(i, PodState.PRESENT,
            pod(i, running(), "Running", true, "node-1"), null, null)), "Current", "Healthy"),
        Arguments.of("image does not pull", computed(i -> observation(i, PodState.PRESENT,
            pod(i, c -> c.withImageID("").withNewState().withNewWaiting().withReason("ErrImagePull")
                .withMessage("registry.local/app:1: not found").endWaiting().endState(), "Pending", false, "node-1"),
            null, null)), "Failed", "Degraded"),
        Arguments.of("no image", computed(i -> observation(i, PodState.NO_IMAGE, null, null, null)), "Failed",
            "Degraded"),
        Arguments.of("spec cannot be built", computed(i -> observation(i, PodState.REJECTED, null,
            new Rejection(Reasons.INVALID_SPEC, "The spec cannot be built into a Pod: spec.port 0"), null)), "Failed",
            "Degraded"),
        Arguments.of("Pod Security refuses", computed(i -> observation(i, PodState.REJECTED, null,
            new Rejection(Reasons.POD_SECURITY_VIOLATION, "The Pod would fail the restricted standard"), null)),
            "Failed", "Degraded"),
        Arguments.of("being replaced", computed(i -> observation(i, PodState.REPLACING,
            pod(i, running(), "Running", true, "node-1"), null, null)), "InProgress", "Progressing"),
        Arguments.of("stopping", computed(i -> observation(i, PodState.STOPPING,
            pod(i, running(), "Running", true, "node-1"), null, null)), "InProgress", "Progressing"),
        Arguments.of("stopped", computed(i -> observation(i, PodState.STOPPED, null, null, null)), "Current",
            "Suspended"),
        Arguments.of("new image pulled onto the node first", computed(i -> observation(i, PodState.PRESENT,
            pod(i, running(), "Running", true, "node-1"), null, pulling)), "InProgress", "Progressing"),
        Arguments.of("new image does not pull on the node", computed(i -> observation(i, PodState.PRESENT,
            pod(i, running(), "Running", true, "node-1"), null, pullFails)), "Failed", "Degraded"),
        Arguments.of("the API server refused the Pod", refused(), "Failed", "Degraded"),
        Arguments.of("a newer spec not seen yet", newerSpec(), "InProgress", "Progressing"));
  }

  private static ClawInstance refused() {
    ClawInstance instance = instance();
    instance.setStatus(StatusCalculator.reconcileFailed(instance, "The API server refused Pod web: exceeded quota",
        NOW));
    return instance;
  }

  private static ClawInstance newerSpec() {
    ClawInstance instance = computed(i -> observation(i, PodState.PRESENT, pod(i, running(), "Running", true,
        "node-1"), null, null));
    instance.getMetadata().setGeneration(3L);
    return instance;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void kstatusAndArgoCdSeeWhatTheStatusSays(String name, ClawInstance instance, String kstatus, String argo)
      throws Exception {
    assertEquals(kstatus, Kstatus.of(instance).name(), name + ": " + instance.getStatus());
    assertEquals(argo, argoHealth(instance).split("\t")[0], name + ": " + instance.getStatus());
    assertEquals(kstatus, fluxHealth(instance), name + ": the healthCheckExprs of examples/flux-kustomization.yaml");
  }

  /**
   * What Flux makes of the instance with the healthCheckExprs of examples/flux-kustomization.yaml:
   * the generation check first, as Flux's CEL status reader does, then the expressions, evaluated
   * with Google's CEL for Java; they are to be exclusive, so their order does not matter.
   */
  static String fluxHealth(ClawInstance instance) throws Exception {
    Long generation = instance.getMetadata().getGeneration();
    if (generation != null && instance.getStatus().observedGeneration() != null
        && !generation.equals(instance.getStatus().observedGeneration())) {
      return "InProgress";
    }
    Map<?, ?> kustomization = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        Files.readString(Path.of("examples", "flux-kustomization.yaml")), Map.class);
    Map<?, ?> exprs = (Map<?, ?>) ((List<?>) ((Map<?, ?>) kustomization.get("spec")).get("healthCheckExprs")).get(0);
    Map<?, ?> object = new ObjectMapper().readValue(io.fabric8.kubernetes.client.utils.Serialization
        .asJson(instance), Map.class);
    var compiler = dev.cel.compiler.CelCompilerFactory.standardCelCompilerBuilder()
        .addVar("status", dev.cel.common.types.SimpleType.DYN).addVar("metadata", dev.cel.common.types.SimpleType.DYN)
        .addVar("spec", dev.cel.common.types.SimpleType.DYN)
        .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS).build();
    var runtime = dev.cel.runtime.CelRuntimeFactory.standardCelRuntimeBuilder().build();
    List<String> matched = new java.util.ArrayList<>();
    for (String key : List.of("inProgress", "failed", "current")) {
      var program = runtime.createProgram(compiler.compile((String) exprs.get(key)).getAst());
      Object result = program.eval(Map.of("status", object.get("status"), "metadata", object.get("metadata"),
          "spec", object.get("spec")));
      if (Boolean.TRUE.equals(result)) {
        matched.add(key);
      }
    }
    assertEquals(1, matched.size(), "exactly one of the expressions holds: " + matched);
    return Map.of("inProgress", "InProgress", "failed", "Failed", "current", "Current").get(matched.get(0));
  }

  /** Runs the chart's Argo CD health check on the instance as Argo CD gives it: a Lua table {@code obj}. */
  static String argoHealth(ClawInstance instance) throws IOException, InterruptedException {
    Map<?, ?> object = new ObjectMapper().readValue(io.fabric8.kubernetes.client.utils.Serialization
        .asJson(instance), Map.class);
    String script = "obj = " + lua(object) + "\nlocal function check()\n" + Files.readString(LUA_CHECK)
        + "\nend\nlocal hs = check()\nio.write(hs.status .. \"\\t\" .. (hs.message or \"\"))\n";
    Process lua = new ProcessBuilder("lua5.4", "-").redirectErrorStream(true).start();
    lua.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    lua.getOutputStream().close();
    String out = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!lua.waitFor(10, TimeUnit.SECONDS) || lua.exitValue() != 0) {
      throw new AssertionError("lua5.4 failed (hack/provision-kube-api-test.sh installs it): " + out);
    }
    return out;
  }

  /** A JSON value as a Lua literal; JSON's null is Lua's nil, so such keys are left out, as gopher-lua does. */
  static String lua(Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream().filter(e -> e.getValue() != null)
          .map(e -> "[" + lua(e.getKey()) + "]=" + lua(e.getValue())).collect(Collectors.joining(",", "{", "}"));
    }
    if (value instanceof List<?> list) {
      return list.stream().map(GitOpsHealthTest::lua).collect(Collectors.joining(",", "{", "}"));
    }
    if (value instanceof String text) {
      return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
    return String.valueOf(value);
  }
}
