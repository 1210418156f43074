package io.claw.operator.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.ImageParts;

/**
 * The credentials a pull secret holds, read as the kubelet reads them: a
 * {@code kubernetes.io/dockerconfigjson} Secret's {@code auths} (or a {@code kubernetes.io/dockercfg}
 * Secret's top level), each entry's {@code username} and {@code password} or its {@code auth}.
 * Which of them serve an image is {@link DockerKeyring}'s to say.
 */
public final class DockerConfigCredentials {

  public static final String DOCKER_CONFIG_JSON = ".dockerconfigjson";
  public static final String DOCKER_CFG = ".dockercfg";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerConfigCredentials() {
  }

  /**
   * A Secret's docker config entries, in its order: each key (as written) and the credentials it
   * holds; entries without usable credentials are left out. {@link DockerKeyring} matches them.
   *
   * @param secretData a Secret's data (base64 values, as the API returns them)
   */
  public static Map<String, RegistryCredentials> entries(Map<String, String> secretData) {
    Map<String, RegistryCredentials> entries = new LinkedHashMap<>();
    if (secretData == null) {
      return entries;
    }
    JsonNode auths = null;
    if (secretData.containsKey(DOCKER_CONFIG_JSON)) {
      auths = parse(secretData.get(DOCKER_CONFIG_JSON)).map(n -> n.get("auths")).orElse(null);
    } else if (secretData.containsKey(DOCKER_CFG)) {
      auths = parse(secretData.get(DOCKER_CFG)).orElse(null);
    }
    if (auths == null || !auths.isObject()) {
      return entries;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> entry = it.next();
      credentials(entry.getValue()).ifPresent(c -> entries.put(entry.getKey(), c));
    }
    return entries;
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
