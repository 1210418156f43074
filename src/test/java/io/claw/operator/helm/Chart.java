package io.claw.operator.helm;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The chart under helm/claw-operator, rendered in-process. */
public final class Chart {

  static final Path PATH = Path.of("helm", "claw-operator");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {
  }

  /**
   * What the operator's JVM is given with the chart's defaults (JAVA_TOOL_OPTIONS), plus what a
   * JVM outside the container needs to run as inside it: -XX:MaxRAM at the memory limit and, unless
   * the options name a collector, the serial one, which the JVM picks under a limit below 1792 MiB
   * and not on a host with more memory. The benchmark runs the operator with these;
   * OperatorImageIT checks the collector the container's JVM runs.
   */
  public static String jvmOptionsAsInTheContainer() {
    Container container = operator(render(Map.of()));
    String toolOptions = Objects.requireNonNull(env(container, "JAVA_TOOL_OPTIONS"), "JAVA_TOOL_OPTIONS");
    long limit = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
        container.getResources().getLimits().get("memory")).longValueExact();
    boolean collectorNamed = toolOptions.matches(".*-XX:\\+Use\\w+GC.*");
    String collector = !collectorNamed && limit < 1792L * 1024 * 1024 ? " -XX:+UseSerialGC" : "";
    return "-XX:MaxRAM=" + limit + collector + " " + toolOptions;
  }

  /** The operator's container in the rendered Deployment. */
  static Container operator(List<HasMetadata> objects) {
    return one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** An environment variable's value in a container, null when it is not set. */
  static String env(Container container, String name) {
    return container.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue).findFirst()
        .orElse(null);
  }

  static List<HasMetadata> render(Map<String, Object> values) {
    return render(PATH, values);
  }

  static List<HasMetadata> render(Path chart, Map<String, Object> values) {
    TemplateCommand template = new Helm(chart).template().withName("claw").withNamespace("claw-system");
    values.forEach(template::set);
    return parse(template.call());
  }

  static List<HasMetadata> parse(String yaml) {
    return Arrays.stream(yaml.split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind:")))
        .map(doc -> (HasMetadata) SERIALIZATION.unmarshal(doc))
        .filter(Objects::nonNull)
        .toList();
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }

  /** The chart's version, from Chart.yaml. */
  static String version() {
    try {
      return java.nio.file.Files.readAllLines(PATH.resolve("Chart.yaml")).stream()
          .filter(l -> l.startsWith("version: ")).map(l -> l.substring("version: ".length()).strip()).findFirst()
          .orElseThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
