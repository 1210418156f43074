package io.claw.operator.helm;

import static io.claw.operator.helm.Chart.all;
import static io.claw.operator.helm.Chart.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.claw.operator.testing.Command;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The chart's alerts: files/alerts.yaml passes Prometheus' own checks and unit tests (promtool,
 * from Debian's prometheus package, installed by the provisioning), and the PrometheusRule the
 * chart renders carries exactly those rules. RealNodeIT lets a real Prometheus fire one.
 */
class AlertRulesTest {

  private static final Path FILES = Chart.PATH.resolve("files");

  @Test
  void promtoolChecksAndTestsTheRules() {
    Command.Result check = Command.run(List.of("promtool", "check", "rules", FILES.resolve("alerts.yaml").toString()),
        Map.of(), null, 60);
    assertEquals(0, check.exitCode(), check.output());
    assertTrue(check.output().contains("SUCCESS: 2 rules found"), check.output());
    Command.Result test = Command.run(List.of("promtool", "test", "rules", FILES.resolve("alerts-test.yaml").toString()),
        Map.of(), null, 60);
    assertEquals(0, test.exitCode(), test.output());
  }

  @Test
  void thePrometheusRuleIsOffByDefaultAndCarriesTheFilesRules() throws Exception {
    assertTrue(prometheusRules(render(Map.of())).isEmpty(), "off by default, like the ServiceMonitor");
    List<HasMetadata> objects = render(Map.of("metrics.prometheusRule.enabled", "true",
        "metrics.prometheusRule.labels.release", "kube-prometheus"));
    List<GenericKubernetesResource> rules = prometheusRules(objects);
    assertEquals(1, rules.size());
    assertEquals("kube-prometheus", rules.get(0).getMetadata().getLabels().get("release"));
    Object fileGroups = new ObjectMapper(new YAMLFactory()).readValue(FILES.resolve("alerts.yaml").toFile(), Map.class)
        .get("groups");
    assertEquals(fileGroups, rules.get(0).getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
        ? spec.get("groups") : null);
  }

  private static List<GenericKubernetesResource> prometheusRules(List<HasMetadata> objects) {
    return all(objects, GenericKubernetesResource.class).stream()
        .filter(r -> "PrometheusRule".equals(r.getKind())).toList();
  }
}
