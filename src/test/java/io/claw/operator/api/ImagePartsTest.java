package io.claw.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** References taken apart as containerd's reference.ParseDockerRef reads them. */
class ImagePartsTest {

  private static final String DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "-", value = {
      "nginx, docker.io, library/nginx, latest, -",
      "nginx:1.27, docker.io, library/nginx, 1.27, -",
      "bitnami/redis, docker.io, bitnami/redis, latest, -",
      "docker.io/library/nginx:1, docker.io, library/nginx, 1, -",
      "index.docker.io/library/nginx:1, docker.io, library/nginx, 1, -",
      "localhost/app, localhost, app, latest, -",
      "localhost:5000/team/app:v2, localhost:5000, team/app, v2, -",
      "registry.local:5000/app, registry.local:5000, app, latest, -",
      "harbor.example.com/team/sub/app:stable, harbor.example.com, team/sub/app, stable, -",
      "team/app:1, docker.io, team/app, 1, -",
      "nginx@" + DIGEST + ", docker.io, library/nginx, -, " + DIGEST,
      "harbor.example.com/app:1@" + DIGEST + ", harbor.example.com, app, 1, " + DIGEST,
      "index.docker.io/nginx, docker.io, library/nginx, latest, -",
      "MyHost/app:1, MyHost, app, 1, -",
      "[::1]:5000/app:1, [::1]:5000, app, 1, -",
      "127.0.0.1:5000/app@" + DIGEST + ", 127.0.0.1:5000, app, -, " + DIGEST,
  })
  void takesReferencesApart(String reference, String registry, String repository, String tag, String digest) {
    assertEquals(new ImageParts(registry, repository, tag, digest), ImageParts.of(reference));
    assertEquals(registry, ImageParts.registryOf(reference));
  }

  /** As written, without tag and digest: what tag resolution appends a digest to. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "registry.example.com/app:1        | registry.example.com/app",
      "registry.example.com:5000/app:1   | registry.example.com:5000/app",
      "registry.example.com:5000/app     | registry.example.com:5000/app",
      "app                               | app",
      "nginx:1.27@" + DIGEST + "         | nginx"})
  void theNameAsWrittenHasNoTagOrDigest(String reference, String name) {
    assertEquals(name, ImageParts.nameAsWritten(reference));
  }

  /** As containerd lists images in a node's status (it names short images in full). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "nginx                              | docker.io/library/nginx:latest",
      "nginx:1.27                         | docker.io/library/nginx:1.27",
      "team/app:1                         | docker.io/team/app:1",
      "index.docker.io/library/nginx:1    | docker.io/library/nginx:1",
      "registry.local/app                 | registry.local/app:latest",
      "registry.local:5000/app@sha256:ab  | registry.local:5000/app@sha256:ab"})
  void theCanonicalNameIsContainerds(String reference, String canonical) {
    assertEquals(canonical, ImageParts.of(reference).canonical());
  }
}
