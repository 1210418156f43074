package io.claw.operator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.claw.operator.api.ImageParts;

/**
 * The kubelet's own cases, from kubernetes/kubernetes pkg/credentialprovider/keyring_test.go
 * (TestURLsMatch, TestDockerKeyringForGlob, TestKeyringMiss, TestDockerKeyringLookup,
 * TestIssue3797, TestIsDefaultRegistryMatch), run against {@link DockerKeyring}.
 */
class DockerKeyringTest {

  private static final RegistryCredentials FOO = new RegistryCredentials("foo", "bar");

  /** keyring_test.go TestURLsMatch. */
  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "*.kubernetes.io             | prefix.kubernetes.io             | true",
      "prefix.*.io                 | prefix.kubernetes.io             | true",
      "prefix.kubernetes.*         | prefix.kubernetes.io             | true",
      "*-good.kubernetes.io        | prefix-good.kubernetes.io        | true",
      "*.kubernetes.io/blah        | prefix.kubernetes.io/blah        | true",
      "prefix.*.io/foo             | prefix.kubernetes.io/foo/bar     | true",
      "*.kubernetes.io:1111/blah   | prefix.kubernetes.io:1111/blah   | true",
      "prefix.*.io:1111/foo        | prefix.kubernetes.io:1111/foo/bar| true",
      "*.kubernetes.io             | kubernetes.io                    | false",
      "*.*.kubernetes.io           | prefix.kubernetes.io             | false",
      "*.*.kubernetes.io           | kubernetes.io                    | false",
      "kubernetes.io               | kubernetes.com                   | false",
      "k*.io                       | quay.io                          | false",
      "*.kubernetes.io:1234/blah   | prefix.kubernetes.io:1111/blah   | false",
      "prefix.*.io/foo             | prefix.kubernetes.io:1111/foo/bar| false"})
  void urlsMatch(String glob, String target, boolean matches) {
    assertEquals(matches, DockerKeyring.urlsMatch(glob, target));
  }

  /** keyring_test.go TestDockerKeyringForGlob (hits) and TestKeyringMiss (misses), looked up as target + /foo/bar. */
  @ParameterizedTest(name = "{0} for {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "https://hello.kubernetes.io        | hello.kubernetes.io              | true",
      "https://*.docker.io                | prefix.docker.io                 | true",
      "https://prefix.*.io                | prefix.docker.io                 | true",
      "https://prefix.docker.*            | prefix.docker.io                 | true",
      "https://*.docker.io/path           | prefix.docker.io/path            | true",
      "https://prefix.*.io/path           | prefix.docker.io/path/subpath    | true",
      "https://prefix.docker.*/path       | prefix.docker.io/path            | true",
      "https://*.docker.io:8888           | prefix.docker.io:8888            | true",
      "https://prefix.*.io:8888           | prefix.docker.io:8888            | true",
      "https://prefix.docker.*:8888       | prefix.docker.io:8888            | true",
      "https://*.docker.io/v1/            | prefix.docker.io/path            | true",
      "https://*.docker.io/v2/            | prefix.docker.io/path            | true",
      "prefix.docker.io:1111              | prefix.docker.io:1111/path       | true",
      "*.docker.io:1111                   | prefix.docker.io:1111/path       | true",
      "https://hello.kubernetes.io        | world.mesos.org/foo/bar          | false",
      "https://*.docker.com               | prefix.docker.io                 | false",
      "https://suffix.*.io                | prefix.docker.io                 | false",
      "https://prefix.docker.c*           | prefix.docker.io                 | false",
      "suffix.*.io                        | prefix.docker.io                 | false"})
  void keysFindTheImagesTheKubeletFindsThemFor(String key, String target, boolean found) {
    DockerKeyring keyring = new DockerKeyring();
    keyring.add(Map.of(key, FOO));
    assertEquals(found ? List.of(FOO) : List.of(), keyring.lookup(ImageParts.of(target + "/foo/bar")));
  }

  /** keyring_test.go TestDockerKeyringLookup: the more specific key first, both tried; a path prefix is a string prefix. */
  @Test
  void everyMatchingCredentialIsGivenTheMostSpecificFirst() {
    RegistryCredentials ada = new RegistryCredentials("ada", "smash");
    RegistryCredentials grace = new RegistryCredentials("grace", "squash");
    Map<String, RegistryCredentials> entries = new LinkedHashMap<>();
    entries.put("bar.example.com/pong", grace);
    entries.put("bar.example.com", ada);
    DockerKeyring keyring = new DockerKeyring();
    keyring.add(entries);
    assertEquals(List.of(grace, ada), keyring.lookup(ImageParts.of("bar.example.com/pong")));
    assertEquals(List.of(ada), keyring.lookup(ImageParts.of("bar.example.com/ping")));
    assertEquals(List.of(grace, ada), keyring.lookup(ImageParts.of("bar.example.com/pongz")));
    assertEquals(List.of(grace, ada), keyring.lookup(ImageParts.of("bar.example.com/pong/pang")));
    assertEquals(List.of(), keyring.lookup(ImageParts.of("foo.example.com/app")));
    // issue 34: credentials for a team's path serve only that team's repositories
    DockerKeyring team = new DockerKeyring();
    team.add(Map.of("registry.example.com/team-a", grace));
    assertEquals(List.of(grace), team.lookup(ImageParts.of("registry.example.com/team-a/app:1")));
    assertEquals(List.of(), team.lookup(ImageParts.of("registry.example.com/team-b/app:1")));
  }

  /** keyring_test.go TestIssue3797: a key with scheme and /v1/ serves every repository of its host. */
  @Test
  void aKeyWithSchemeAndV1PathServesItsHost() {
    RegistryCredentials rex = new RegistryCredentials("rex", "tiny arms");
    DockerKeyring keyring = new DockerKeyring();
    keyring.add(Map.of("https://quay.io/v1/", rex));
    assertEquals(List.of(rex), keyring.lookup(ImageParts.of("quay.io/foo")));
    assertEquals(List.of(rex), keyring.lookup(ImageParts.of("quay.io/foo/bar")));
  }

  /** keyring_test.go TestKeyringHitWithUnqualifiedDockerHub and ...MissWithDockerHubCredentials. */
  @Test
  void dockerHubCredentialsServeDockerHubImagesOnly() {
    DockerKeyring keyring = new DockerKeyring();
    keyring.add(Map.of("https://index.docker.io/v1/", FOO));
    assertEquals(List.of(FOO), keyring.lookup(ImageParts.of("google/docker-registry")));
    assertEquals(List.of(FOO), keyring.lookup(ImageParts.of("jenkins")));
    assertEquals(List.of(), keyring.lookup(ImageParts.of("world.mesos.org/foo/bar")));
  }

  /** keyring_test.go TestIsDefaultRegistryMatch. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {"foo/bar | true", "docker.io/foo/bar | true", "index.docker.io/foo/bar | true",
      "foo | true", "registry.tld/foo/bar | false", "registry:5000/foo/bar | false", "myhostdocker.io/foo/bar | false"})
  void defaultRegistryMatch(String image, boolean matches) {
    assertEquals(matches, DockerKeyring.isDefaultRegistryMatch(image));
  }
}
