package io.claw.operator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DockerConfigCredentialsTest {

  @ParameterizedTest(name = "{0} names {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "registry.example.com            | registry.example.com      | true",
      "https://registry.example.com    | registry.example.com      | true",
      "https://registry.example.com/v1/| registry.example.com      | true",
      "registry.example.com:5000       | registry.example.com:5000 | true",
      "registry.example.com:5000       | registry.example.com      | false",
      "registry.example.com            | registry.example.com:5000 | false",
      "https://index.docker.io/v1/     | docker.io                 | true",
      "*.example.com                   | registry.example.com      | true",
      "*.example.com                   | a.b.example.com           | false",
      "*.example.com                   | example.com               | false",
      "Registry.Example.com            | registry.example.com      | true",
      "other.example.com               | registry.example.com      | false"})
  void keysMatchRegistriesAsTheKubeletMatchesThem(String key, String registry, boolean matches) {
    assertEquals(matches, DockerConfigCredentials.matches(key, registry));
  }

  @Test
  void authOrUsernameAndPasswordFromADockerConfigJsonSecret() {
    String auth = b64("robot:s3cr:et");
    Map<String, String> data = Map.of(DockerConfigCredentials.DOCKER_CONFIG_JSON, b64("{\"auths\":{"
        + "\"other.example.com\":{\"auth\":\"" + b64("no:no") + "\"},"
        + "\"registry.example.com\":{\"auth\":\"" + auth + "\"},"
        + "\"plain.example.com\":{\"username\":\"u\",\"password\":\"p\"}}}"));
    assertEquals(Optional.of(new RegistryCredentials("robot", "s3cr:et")),
        DockerConfigCredentials.forRegistry("registry.example.com", data));
    assertEquals(Optional.of(new RegistryCredentials("u", "p")),
        DockerConfigCredentials.forRegistry("plain.example.com", data));
    assertEquals(Optional.empty(), DockerConfigCredentials.forRegistry("elsewhere.example.com", data));
  }

  @Test
  void legacyDockercfgAndMalformedSecrets() {
    assertEquals(Optional.of(new RegistryCredentials("a", "b")), DockerConfigCredentials.forRegistry("r.example.com",
        Map.of(DockerConfigCredentials.DOCKER_CFG, b64("{\"r.example.com\":{\"auth\":\"" + b64("a:b") + "\"}}"))));
    assertEquals(Optional.empty(), DockerConfigCredentials.forRegistry("r.example.com",
        Map.of(DockerConfigCredentials.DOCKER_CONFIG_JSON, "not base64 json")));
    assertEquals(Optional.empty(), DockerConfigCredentials.forRegistry("r.example.com",
        Map.of(DockerConfigCredentials.DOCKER_CONFIG_JSON, b64("{\"auths\":{\"r.example.com\":{\"auth\":\"" + b64("nocolon")
            + "\"}}}"))));
    assertEquals(Optional.empty(), DockerConfigCredentials.forRegistry("r.example.com", Map.of("token", b64("x"))));
    assertEquals(Optional.empty(), DockerConfigCredentials.forRegistry("r.example.com", null));
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
