package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.claw.operator.registry.RegistryCredentials;
import io.claw.operator.status.PullSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** One reconcile's Secrets: the pull-secret check and tag resolution share each GET. */
class NamedSecretsTest {

  private static final String AUTH = java.util.Base64.getEncoder().encodeToString(
      "{\"auths\":{\"registry.example.com\":{\"username\":\"robot\",\"password\":\"pw\"}}}".getBytes());

  private final List<String> gets = new ArrayList<>();

  @Test
  void theCheckAndTheCredentialsReadEachSecretOnce() {
    Secret pull = new SecretBuilder().withNewMetadata().withName("pull").endMetadata()
        .withType("kubernetes.io/dockerconfigjson").withData(Map.of(".dockerconfigjson", AUTH)).build();
    NamedSecrets secrets = new NamedSecrets(name -> {
      gets.add(name);
      return "pull".equals(name) ? pull : null;
    });
    List<String> names = List.of("gone", "pull");
    PullSecrets checked = new PullSecretCheck().check(secrets, "ns", names);
    List<RegistryCredentials> credentials = TagResolutionSetup.credentials(secrets, names,
        io.claw.operator.api.ImageParts.of("registry.example.com/app:1"));

    assertEquals(PullSecrets.missing(List.of("gone")), checked);
    assertEquals("robot", credentials.get(0).username());
    assertEquals(List.of("gone", "pull"), gets, "one GET per Secret for both");
  }

  @Test
  void aRefusalIsRememberedAndNotAskedAgain() {
    KubernetesClientException forbidden = new KubernetesClientException("forbidden", 403, null);
    NamedSecrets secrets = new NamedSecrets(name -> {
      gets.add(name);
      throw forbidden;
    });
    assertEquals(PullSecrets.FORBIDDEN, new PullSecretCheck().check(secrets, "ns", List.of("pull")));
    assertSame(forbidden, assertThrows(KubernetesClientException.class, () -> secrets.get("other")));
    assertTrue(TagResolutionSetup.credentials(secrets, List.of("pull"),
        io.claw.operator.api.ImageParts.of("registry.example.com/app:1")).isEmpty(),
        "without the right to read Secrets, resolution asks anonymously");
    assertEquals(List.of("pull"), gets);
  }
}
