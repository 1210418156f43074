package io.claw.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.claw.operator.config.ClawOperatorConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * docs/configuration.md is the settings reference: every setting of {@link ClawOperatorConfig}
 * has a row with its environment variable, its default and its Helm value; the chart's Deployment
 * passes each Helm value to that variable; every value in the chart's values.yaml is documented,
 * and nothing documented is missing from the code or the chart.
 */
class SettingsReferenceTest {

  private static final Path DOC = Path.of("docs", "configuration.md");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  /** A row of the settings table: setting, environment variable, Helm value, default, meaning. */
  private record Row(String setting, String env, String helmValue, String defaultValue) {
  }

  @Test
  void everyOperatorSettingIsDocumentedWithItsEnvironmentVariableAndDefault() throws IOException {
    Map<String, Row> documented = settingsTable();
    Map<String, Optional<String>> settings = settings(ClawOperatorConfig.class,
        ClawOperatorConfig.class.getAnnotation(ConfigMapping.class).prefix());

    settings.forEach((name, byDefault) -> {
      Row row = documented.get(name);
      assertTrue(row != null, name + " is not in " + DOC + "; documented: " + documented.keySet());
      assertEquals(name.toUpperCase().replaceAll("[.-]", "_"), row.env(), "environment variable of " + name);
      byDefault.ifPresent(value -> assertTrue(row.defaultValue().contains("`" + value + "`"),
          name + " defaults to " + value + "; the reference says " + row.defaultValue()));
    });
    Set<String> stale = documented.keySet().stream()
        .filter(name -> name.startsWith("claw.") && !settings.containsKey(name)).collect(Collectors.toSet());
    assertEquals(Set.of(), stale, "documented settings that ClawOperatorConfig does not have");
  }

  @Test
  void theChartPassesEachDocumentedHelmValueToItsEnvironmentVariable() throws IOException {
    List<String> template = Files.readAllLines(Chart.PATH.resolve("templates/deployment.yaml"));
    Set<String> values = valuesKeys();
    for (Row row : settingsTable().values()) {
      if (!row.helmValue().startsWith("`")) {
        continue; // no Helm value: the reference says why
      }
      String key = row.helmValue().replace("`", "");
      assertTrue(values.contains(key), key + " is not in values.yaml");
      int at = indexOf(template, "- name: " + row.env());
      assertTrue(at >= 0, row.env() + " is not set by the chart's Deployment");
      String near = String.join("\n", template.subList(Math.max(0, at - 2), Math.min(template.size(), at + 3)));
      // dig "a" "b" "c": a value that a helm upgrade --reuse-values from an older chart may lack
      String dig = "dig " + java.util.Arrays.stream(key.split("\\.")).map(k -> "\"" + k + "\"")
          .collect(java.util.stream.Collectors.joining(" "));
      assertTrue(near.contains(".Values." + key + " ") || near.contains(".Values." + key + "\n")
              || near.contains(".Values." + key + " |") || near.endsWith(".Values." + key) || near.contains(dig),
          row.env() + " is not set from " + key + " in the Deployment:\n" + near);
    }
  }

  @Test
  void everyChartValueIsDocumentedAndEveryDocumentedValueExists() throws IOException {
    Set<String> documented = new TreeSet<>();
    settingsTable().values().stream().map(Row::helmValue).filter(v -> v.startsWith("`"))
        .map(v -> v.replace("`", "")).forEach(documented::add);
    documented.addAll(helmValuesTable());
    Set<String> leaves = valuesLeaves();

    // a value is documented by its own row or by a row for a map that holds it (e.g. resources)
    Set<String> undocumented = leaves.stream()
        .filter(leaf -> documented.stream().noneMatch(d -> leaf.equals(d) || leaf.startsWith(d + ".")))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), undocumented, "values.yaml entries missing from " + DOC);
    Set<String> keys = valuesKeys();
    Set<String> missing = documented.stream().filter(d -> !keys.contains(d))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), missing, "documented Helm values that values.yaml does not have");
  }

  /** Property name to default, walking nested groups as SmallRye Config names them (kebab case). */
  private static Map<String, Optional<String>> settings(Class<?> mapping, String prefix) {
    Map<String, Optional<String>> out = new LinkedHashMap<>();
    for (Method method : mapping.getDeclaredMethods()) {
      if (method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      String name = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
      if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == mapping) {
        out.putAll(settings(method.getReturnType(), name));
      } else {
        out.put(name, Optional.ofNullable(method.getAnnotation(WithDefault.class)).map(WithDefault::value));
      }
    }
    return out;
  }

  private static Map<String, Row> settingsTable() throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (List<String> cells : table("| Setting |")) {
      rows.put(code(cells.get(0)), new Row(code(cells.get(0)), code(cells.get(1)), cells.get(2), cells.get(3)));
    }
    return rows;
  }

  private static List<String> helmValuesTable() throws IOException {
    return table("| Value |").stream().map(cells -> code(cells.get(0))).toList();
  }

  /** The body rows of the table whose header starts with {@code header}, split into trimmed cells. */
  private static List<List<String>> table(String header) throws IOException {
    List<String> lines = Files.readAllLines(DOC);
    int start = indexOf(lines, header);
    assertTrue(start >= 0, "no table " + header + " in " + DOC);
    List<List<String>> rows = new ArrayList<>();
    for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i);
      rows.add(List.of(line.substring(1, line.length() - 1).split(" \\| ", -1)).stream().map(String::trim).toList());
    }
    return rows;
  }

  private static String code(String cell) {
    Matcher m = CODE.matcher(cell);
    assertTrue(m.find(), "expected a `name` in the cell: " + cell);
    return m.group(1);
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  /** Every key of values.yaml, maps and leaves, as dotted paths. */
  private static Set<String> valuesKeys() throws IOException {
    Set<String> keys = new TreeSet<>();
    walk("", values(), keys, false);
    return keys;
  }

  /** The leaves of values.yaml: scalars, lists, and empty maps. */
  private static Set<String> valuesLeaves() throws IOException {
    Set<String> leaves = new TreeSet<>();
    walk("", values(), leaves, true);
    return leaves;
  }

  @SuppressWarnings("unchecked")
  private static void walk(String path, Map<String, Object> map, Set<String> into, boolean leavesOnly) {
    map.forEach((key, value) -> {
      String at = path.isEmpty() ? key : path + "." + key;
      boolean nested = value instanceof Map<?, ?> m && !m.isEmpty();
      if (!leavesOnly || !nested) {
        into.add(at);
      }
      if (nested) {
        walk(at, (Map<String, Object>) value, into, leavesOnly);
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> values() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readValue(Chart.PATH.resolve("values.yaml").toFile(), Map.class);
  }
}
