package io.claw.operator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DockerConfigCredentialsTest {

  private static Optional<RegistryCredentials> first(String image, Map<String, String> data) {
    DockerKeyring keyring = new DockerKeyring();
    keyring.add(DockerConfigCredentials.entries(data));
    return keyring.lookup(io.claw.operator.api.ImageParts.of(image)).stream().findFirst();
  }

  @Test
  void authOrUsernameAndPasswordFromADockerConfigJsonSecret() {
    String auth = b64("robot:s3cr:et");
    Map<String, String> data = Map.of(DockerConfigCredentials.DOCKER_CONFIG_JSON, b64("{\"auths\":{"
        + "\"other.example.com\":{\"auth\":\"" + b64("no:no") + "\"},"
        + "\"registry.example.com\":{\"auth\":\"" + auth + "\"},"
        + "\"plain.example.com\":{\"username\":\"u\",\"password\":\"p\"}}}"));
    assertEquals(Optional.of(new RegistryCredentials("robot", "s3cr:et")), first("registry.example.com/app:1", data));
    assertEquals(Optional.of(new RegistryCredentials("u", "p")), first("plain.example.com/app", data));
    assertEquals(Optional.empty(), first("elsewhere.example.com/app", data));
  }

  @Test
  void legacyDockercfgAndMalformedSecrets() {
    assertEquals(Optional.of(new RegistryCredentials("a", "b")), first("r.example.com/app",
        Map.of(DockerConfigCredentials.DOCKER_CFG, b64("{\"r.example.com\":{\"auth\":\"" + b64("a:b") + "\"}}"))));
    assertEquals(Optional.empty(), first("r.example.com/app",
        Map.of(DockerConfigCredentials.DOCKER_CONFIG_JSON, "not base64 json")));
    assertEquals(Optional.empty(), first("r.example.com/app",
        Map.of(DockerConfigCredentials.DOCKER_CONFIG_JSON, b64("{\"auths\":{\"r.example.com\":{\"auth\":\"" + b64("nocolon")
            + "\"}}}"))));
    assertEquals(Optional.empty(), first("r.example.com/app", Map.of("token", b64("x"))));
    assertEquals(Optional.empty(), first("r.example.com/app", null));
  }

  @Test
  void credentialsNeverPrintTheirPassword() {
    RegistryCredentials credentials = new RegistryCredentials("robot", "hunter2");
    assertFalse(credentials.toString().contains("hunter2"), credentials.toString());
    assertFalse(credentials.fingerprint().contains("hunter2"));
    assertEquals(24, credentials.fingerprint().length());
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
