package io.claw.operator.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.ImageParts;

/**
 * The credentials a pull secret holds for a registry, found as the kubelet finds them: a
 * {@code kubernetes.io/dockerconfigjson} Secret's {@code auths} (or a {@code kubernetes.io/dockercfg}
 * Secret's top level), keyed by host[:port] with or without scheme and path, a leading {@code *.}
 * matching one subdomain level, and Docker Hub's {@code https://index.docker.io/v1/} for docker.io.
 */
public final class DockerConfigCredentials {

  public static final String DOCKER_CONFIG_JSON = ".dockerconfigjson";
  public static final String DOCKER_CFG = ".dockercfg";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerConfigCredentials() {
  }

  /**
   * @param secretData a Secret's data (base64 values, as the API returns them)
   * @return the first credentials in the Secret whose key matches the registry
   */
  public static Optional<RegistryCredentials> forRegistry(String registry, Map<String, String> secretData) {
    if (secretData == null) {
      return Optional.empty();
    }
    JsonNode auths = null;
    if (secretData.containsKey(DOCKER_CONFIG_JSON)) {
      auths = parse(secretData.get(DOCKER_CONFIG_JSON)).map(n -> n.get("auths")).orElse(null);
    } else if (secretData.containsKey(DOCKER_CFG)) {
      auths = parse(secretData.get(DOCKER_CFG)).orElse(null);
    }
    if (auths == null || !auths.isObject()) {
      return Optional.empty();
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (matches(entry.getKey(), registry)) {
        Optional<RegistryCredentials> found = credentials(entry.getValue());
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /** Whether a docker config key names the registry (host[:port], docker.io for Docker Hub). */
  static boolean matches(String key, String registry) {
    String host = key.toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", "");
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      host = ImageParts.DOCKER_HUB;
    }
    String wanted = registry.toLowerCase(Locale.ROOT);
    if (host.startsWith("*.")) {
      String suffix = host.substring(1);
      String rest = wanted.endsWith(suffix) ? wanted.substring(0, wanted.length() - suffix.length()) : null;
      return rest != null && !rest.isEmpty() && !rest.contains(".");
    }
    return host.equals(wanted);
  }

  private static Optional<RegistryCredentials> credentials(JsonNode entry) {
    String user = text(entry, "username");
    String password = text(entry, "password");
    String auth = text(entry, "auth");
    if ((user == null || password == null) && auth != null) {
      try {
        String decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon > 0) {
          user = decoded.substring(0, colon);
          password = decoded.substring(colon + 1);
        }
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return user == null || password == null ? Optional.empty() : Optional.of(new RegistryCredentials(user, password));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() || value.asText().isEmpty() ? null : value.asText();
  }

  private static Optional<JsonNode> parse(String base64) {
    try {
      return Optional.of(JSON.readTree(Base64.getDecoder().decode(base64)));
    } catch (Exception e) {
      // a malformed Secret is like one without credentials for the registry; its content is not logged
      return Optional.empty();
    }
  }
}
