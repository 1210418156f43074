package io.claw.operator.helm;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The chart under helm/claw-operator, rendered in-process. */
final class Chart {

  static final Path PATH = Path.of("helm", "claw-operator");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {
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
}
